import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A bare HTTPS server (see {@link startFloorServer}). */
export interface FloorServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The floor under any Node.js API server on this machine: an HTTPS server
 * with the API server's own certificates and client-certificate handshake
 * that reads each body, parses it as JSON and answers 201 with it, and does
 * nothing else. Driven by the same clients as the API, it shows how much of
 * an API create is TLS, HTTP and JSON that no server code can avoid.
 */
export async function startFloorServer(dataDir: string): Promise<FloorServer> {
  const tls = (f: string) => readFileSync(join(dataDir, 'tls', f), 'utf8');
  const server = createServer({ key: tls('server.key'), cert: tls('server.crt'), ca: tls('ca.crt'), requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
