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
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
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
