/**
 * Proxying HTTP upgrades (SPDY/3.1, WebSocket) byte for byte, as the API
 * server does to the kubelet and the kubelet to the runtime's streaming
 * server for `kubectl exec`, `attach` and `port-forward`. Neither hop reads
 * the streams: the client and the runtime negotiate the protocol between
 * themselves, so whatever the runtime speaks reaches kubectl unchanged.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** Headers a hop does not pass on: its own credentials and the original Host. */
const HOP_HEADERS = new Set(['host', 'authorization', 'impersonate-user', 'impersonate-group']);

/** The head of `req` to send upstream with another path and Host; the upgrade headers are kept as the client sent them. */
export function upgradeRequestHead(req: IncomingMessage, path: string, host: string): string {
  const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${host}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    if (!HOP_HEADERS.has(name.toLowerCase())) lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Answer a request that asked to upgrade with a plain HTTP response, then close the connection. */
export function refuseUpgrade(socket: Duplex, code: number, contentType: string, body: string): void {
  const bytes = Buffer.from(body);
  const head = `HTTP/1.1 ${String(code)} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: ${contentType}\r\nContent-Length: ${String(bytes.length)}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), bytes]));
}

/**
 * Join two connections: bytes flow both ways; the end of one ends the
 * other once its pending bytes are written; an error on either destroys
 * both.
 */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const destroy = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', destroy);
  b.on('error', destroy);
  a.on('close', () => b.end());
  b.on('close', () => a.end());
}
