/**
 * The JSONPath subset that printer columns use (kubectl's syntax without
 * the braces): `.spec.replicas`, `.items[0]`, `.items[*].name`,
 * `['dotted.key']`, `.conditions[?(@.type=="Ready")].status`.
 * Returns every value the path reaches, in order.
 */
export function evaluateJSONPath(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of parse(path)) {
    const next: unknown[] = [];
    for (const v of current) next.push(...apply(step, v));
    current = next;
  }
  return current;
}

type Step = { key: string } | { index: number } | { all: true } | { filter: { path: string; op: '==' | '!='; value: unknown } | { path: string; exists: true } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function apply(step: Step, v: unknown): unknown[] {
  if ('key' in step) return isObject(v) && Object.hasOwn(v, step.key) ? [v[step.key]] : [];
  if ('index' in step) {
    if (!Array.isArray(v)) return [];
    const i = step.index < 0 ? v.length + step.index : step.index;
    return i >= 0 && i < v.length ? [v[i]] : [];
  }
  const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
  if ('all' in step) return items;
  const f = step.filter;
  return items.filter((item) => {
    const found = evaluateJSONPath(item, f.path);
    if ('exists' in f) return found.length > 0;
    const hit = found.some((x) => x === f.value || (typeof x === 'number' && String(x) === String(f.value)));
    return f.op === '==' ? hit : !hit;
  });
}

function parse(path: string): Step[] {
  const steps: Step[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const key = path.slice(i, j);
      if (key === '*') steps.push({ all: true });
      else if (key) steps.push({ key });
      i = j;
    } else if (c === '[') {
      const end = closing(path, i);
      const inner = path.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ key: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push({ filter: parseFilter(inner.slice(2, -1).trim()) });
      else throw new Error(`unrecognized JSONPath step [${inner}]`);
    } else throw new Error(`unrecognized character in JSONPath at ${String(i)}: ${c ?? ''}`);
  }
  return steps;
}

/** The index of the `]` that closes the `[` at `start`, skipping quoted text and nested brackets. */
function closing(path: string, start: number): number {
  let depth = 0;
  let quote = '';
  for (let i = start; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new Error('unterminated [ in JSONPath');
}

function parseFilter(text: string): { path: string; op: '==' | '!='; value: unknown } | { path: string; exists: true } {
  const m = /^@(\S*?)\s*(==|!=)\s*(.+)$/.exec(text);
  if (!m) {
    if (text.startsWith('@')) return { path: text.slice(1), exists: true };
    throw new Error(`unrecognized JSONPath filter ${text}`);
  }
  const raw = (m[3] ?? '').trim();
  let value: unknown = raw;
  if (/^'.*'$|^".*"$/.test(raw)) value = raw.slice(1, -1);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (!Number.isNaN(Number(raw))) value = Number(raw);
  return { path: m[1] ?? '', op: m[2] as '==' | '!=', value };
}
