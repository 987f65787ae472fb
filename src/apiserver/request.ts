import type { IncomingMessage } from 'node:http';
import { parse as parseYAML } from 'yaml';
import type { KubeObject } from '../api/meta.js';
import { APIError, badRequest } from './errors.js';
import { decodeProtobufObject, isProtobufError } from './protobuf/decode.js';

/** What a resource request asks for, parsed from its path and method (upstream's RequestInfo). */
export interface RequestInfo {
  readonly verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** '' when the request is not namespaced (cluster-scoped, or across all namespaces). */
  readonly namespace: string;
  readonly name: string;
  readonly subresource: string;
}

/**
 * Parse `/api/v1/namespaces/NS/RES/NAME/SUB` or `/apis/G/V/...`; undefined
 * when the path is not a resource path (discovery, health, unknown).
 */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo | undefined {
  const parts = path.split('/').filter(Boolean);
  let group = '';
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else return undefined;
  const version = parts[0] === 'api' ? (parts[1] ?? '') : (parts[2] ?? '');
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  // /namespaces/NS/RES... is a namespaced request; /namespaces and /namespaces/NAME[/SUB] address namespaces themselves.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1] ?? '';
    rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = '', ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  const watch = legacyWatch || query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = verbOf(method, name, watch);
  if (!verb) throw new APIError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
  return { verb, group, version, resource, namespace, name, subresource };
}

function verbOf(method: string, name: string, watch: boolean): RequestInfo['verb'] | undefined {
  switch (method) {
    case 'GET':
      return watch ? 'watch' : name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

const maxBody = 3 * 1024 * 1024;

/** Read the whole request body (at most 3 MiB, as upstream's limit). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new APIError('RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Decode a JSON or YAML body into an object, or a 400/415 Status error. */
export function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const type = (contentType ?? 'application/json').split(';')[0]?.trim() ?? '';
  const text = body.toString('utf8');
  if (type.includes('protobuf')) {
    try {
      return decodeProtobufObject(body);
    } catch (err) {
      if (!isProtobufError(err)) throw err;
      if (err.code === 'UnknownKind') throw new APIError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${err.message})`);
      throw badRequest(`error decoding protobuf: ${err.message}`);
    }
  }
  try {
    return type === 'application/yaml' ? (parseYAML(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (err) {
    const what = type === 'application/yaml' ? 'yaml' : 'json';
    throw badRequest(`error decoding ${what}: ${(err as Error).message}`);
  }
}

/** Check that a decoded body is an object with metadata; returns it typed. */
export function asObject(value: unknown): KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest(`Object 'Kind' is missing in '${value === undefined ? '' : JSON.stringify(value).slice(0, 100)}'`);
  const obj = value as Record<string, unknown>;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))
    throw badRequest('metadata must be an object');
  return obj as KubeObject;
}
