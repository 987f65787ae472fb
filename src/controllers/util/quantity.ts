/**
 * Formatting resource quantities back to text, as upstream's canonical
 * form: CPU-like values in whole units or millis (`250m`), byte values in
 * the largest exact binary suffix (`64Mi`) or as plain integers.
 */
const binary: readonly [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** Text of a quantity; `bytes` picks binary suffixes (memory, storage). */
export function formatQuantity(value: number, bytes = false): string {
  if (bytes) {
    const v = Math.ceil(value);
    if (v === 0) return '0';
    for (const [suffix, size] of binary) if (v % size === 0) return `${String(v / size)}${suffix}`;
    return String(v);
  }
  const milli = Math.ceil(Math.round(value * 1e6) / 1e3);
  return milli % 1000 === 0 ? String(milli / 1000) : `${String(milli)}m`;
}

/** True if a resource name counts bytes (formatted with binary suffixes). */
export const isByteResource = (name: string): boolean => /(^|\.)(memory|storage|ephemeral-storage)$/.test(name) || name.startsWith('hugepages-');
