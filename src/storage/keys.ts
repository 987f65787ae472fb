/**
 * The smallest string greater than every string starting with `prefix`, in
 * code point (= UTF-8 byte) order; undefined when there is none (empty
 * prefix, or only U+10FFFF characters).
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      points.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}
