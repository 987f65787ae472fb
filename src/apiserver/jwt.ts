/**
 * Compact JWS (RFC 7515) signed with ES256, the only algorithm skiff signs
 * service account tokens with. node:crypto does the ECDSA; this module only
 * frames it: `base64url(header).base64url(claims).base64url(r||s)`.
 */
import { sign, verify, type KeyObject } from 'node:crypto';

/** The JOSE header skiff writes and accepts. */
interface Header {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/** Sign `claims` as a compact JWS with ES256 and key id `kid`. */
export function signJWT(claims: object, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'ES256', kid })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function parsePart(part: string): unknown {
  if (!BASE64URL.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The claims of a compact JWS whose ES256 signature `key` verifies, or
 * undefined (not a JWT, another algorithm, bad signature). Checks nothing
 * inside the claims: that is the caller's.
 */
export function verifyJWT(token: string, key: KeyObject): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h = '', c = '', s = ''] = parts;
  const header = parsePart(h) as Partial<Header> | undefined;
  // Only what we sign: refuses `none` and every algorithm confusion.
  if (header?.alg !== 'ES256' || !BASE64URL.test(s)) return undefined;
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) return undefined;
  if (!verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, signature)) return undefined;
  const claims = parsePart(c);
  return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
}
