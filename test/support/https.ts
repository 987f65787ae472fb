import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import { parse } from 'yaml';

/** Where a kubeconfig points and the credentials it holds. */
export interface Credentials {
  readonly server: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

type Kubeconfig = {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
};

const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** The server and client certificate of a kubeconfig that `skiff server` wrote. */
export function credentialsOf(kubeconfig: string): Credentials {
  const kc = parse(readFileSync(kubeconfig, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const user = kc.users[0]?.user;
  if (!cluster || !user) throw new Error(`${kubeconfig} has no cluster or user`);
  return { server: cluster.server, ca: unb64(cluster['certificate-authority-data']), cert: unb64(user['client-certificate-data']), key: unb64(user['client-key-data']) };
}

/** What a JSON request got: the status, the body parsed when it is JSON (else the text), the text and the headers. */
export interface JSONReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: IncomingHttpHeaders;
}

/** One HTTPS request with a JSON (or text) body; a string body is sent as it is. */
export function jsonRequest(url: string, options: RequestOptions, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<JSONReply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const sized = data === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(data)) };
    const req = request(url, { ...options, method, headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...sized, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (health endpoints, watch streams)
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A JSON client of the API with a kubeconfig's credentials (keep-alive connections). */
export function apiClient(kubeconfig: string): {
  credentials: Credentials;
  request: (method: string, path: string, body?: unknown) => Promise<JSONReply>;
  close: () => void;
} {
  const credentials = credentialsOf(kubeconfig);
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: credentials.ca, cert: credentials.cert, key: credentials.key });
  return {
    credentials,
    request: (method, path, body) => jsonRequest(`${credentials.server}${path}`, { agent }, method, body),
    close: () => agent.destroy(),
  };
}
