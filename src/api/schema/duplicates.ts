/**
 * The duplicate keys of a JSON text, with their paths in upstream's form
 * (`spec.containers[0].imagePullPolicy`), and the position at which each
 * path first appears (so they can be reported in document order with other
 * findings). JSON.parse keeps the last of duplicate keys silently; upstream's
 * strict decoder reports them. The text must already be valid JSON.
 */
export interface KeyScan {
  readonly duplicates: { readonly path: string; readonly at: number }[];
  /** Every key path, by the offset of its first occurrence. */
  readonly firstAt: ReadonlyMap<string, number>;
}

export function scanKeys(text: string): KeyScan {
  const duplicates: { path: string; at: number }[] = [];
  const firstAt = new Map<string, number>();
  let i = 0;
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++i));
  };
  const str = (): string => {
    const start = i + 1;
    let end = text.indexOf('"', start);
    let escaped = false;
    // A quote preceded by an odd number of backslashes is part of the string.
    for (;;) {
      let n = 0;
      while (text.charCodeAt(end - 1 - n) === 92) n++;
      if (n % 2 === 0) break;
      escaped = true;
      end = text.indexOf('"', end + 1);
    }
    i = end + 1;
    const raw = text.slice(start, end);
    return escaped || raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  const value = (path: string): void => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      while (text.charAt(i) !== '}') {
        const at = i;
        const key = str();
        const child = path ? `${path}.${key}` : key;
        if (seen.has(key)) duplicates.push({ path: child, at });
        else if (!firstAt.has(child)) firstAt.set(child, at);
        seen.add(key);
        ws();
        i++; // ':'
        value(child);
        ws();
        if (text.charAt(i) === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      for (let n = 0; text.charAt(i) !== ']'; n++) {
        value(`${path}[${String(n)}]`);
        ws();
        if (text.charAt(i) === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else while (i < text.length && !',}] \t\n\r'.includes(text.charAt(i))) i++;
  };
  value('');
  return { duplicates, firstAt };
}
