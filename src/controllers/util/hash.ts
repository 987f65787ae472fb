/**
 * Hashes that name what a controller derives from a template: the
 * `pod-template-hash` of a Deployment's ReplicaSets and the names of
 * ControllerRevisions. As upstream: FNV-1a (32 bit) over the object, then
 * the collision count (little-endian uint32) if there is one, and the
 * decimal digits spelled in upstream's "safe" alphabet (no vowels, no
 * look-alike characters). The object is serialised as JSON with sorted
 * keys, so the hash depends on content alone.
 */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * `v` without nulls, empty objects and empty lists, at every level: Go
 * clients (kubectl) write zero values (`creationTimestamp: null`,
 * `resources: {}`) that upstream's semantic equality treats as absent.
 */
export function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneEmpty);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = pruneEmpty(x);
    if (p === null || p === undefined || (Array.isArray(p) && p.length === 0) || (typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0)) continue;
    out[k] = p;
  }
  return out;
}

/** Whether two objects are equal as upstream's semantic equality sees them (see `pruneEmpty`). */
export const semanticEqual = (a: unknown, b: unknown): boolean => canonicalJSON(pruneEmpty(a)) === canonicalJSON(pruneEmpty(b));

/** JSON with object keys sorted at every level. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return v === undefined ? 'null' : JSON.stringify(v);
}

function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Upstream's rand.SafeEncodeString. */
export const safeEncode = (s: string): string => [...Buffer.from(s)].map((b) => ALPHABET[b % ALPHABET.length]).join('');

/** The hash of `obj` and the collision count, as a label value (upstream's ComputeHash / HashControllerRevision). */
export function computeHash(obj: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(canonicalJSON(obj)));
  if (collisionCount !== undefined) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(b, h);
  }
  return safeEncode(String(h));
}
