/**
 * A set of field paths, as server-side apply tracks ownership: a tree whose
 * edges are path elements in `fieldsV1` form (`f:name` a field, `k:{"name":"x"}`
 * a list element by its keys, `v:"x"` a set element) and whose nodes say
 * whether the path itself is in the set.
 */
export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  child(key: string): FieldSet {
    let c = this.children.get(key);
    if (!c) {
      c = new FieldSet();
      this.children.set(key, c);
    }
    return c;
  }

  get empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Every path in the set, as lists of path elements. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    for (const [k, c] of this.children) {
      const p = [...prefix, k];
      if (c.member) out.push(p);
      out.push(...c.paths(p));
    }
    return out;
  }

  add(path: readonly string[]): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking down from this node
    let n: FieldSet = this;
    for (const k of path) n = n.child(k);
    n.member = true;
  }

  /** A copy without the paths of `other` (nodes left empty are dropped). */
  minus(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const rest = o ? c.minus(o) : c;
      if (!rest.empty) out.children.set(k, rest);
    }
    return out;
  }

  /** A copy with the paths of `other` added. */
  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member || other.member;
    for (const [k, c] of this.children) out.children.set(k, c);
    for (const [k, c] of other.children) {
      const mine = this.children.get(k);
      out.children.set(k, mine ? mine.union(c) : c);
    }
    return out;
  }

  /** The paths in both sets. */
  intersect(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const both = c.intersect(o);
      if (!both.empty) out.children.set(k, both);
    }
    return out;
  }

  /** `fieldsV1` JSON: `{}` for a leaf, `"."` for a member with children. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const k of [...this.children.keys()].sort()) out[k] = this.children.get(k)?.toJSON();
    return out;
  }

  static fromJSON(v: unknown): FieldSet {
    const set = new FieldSet();
    if (typeof v !== 'object' || v === null) return set;
    for (const [k, c] of Object.entries(v)) {
      if (k === '.') {
        set.member = true;
        continue;
      }
      const child = FieldSet.fromJSON(c);
      if (child.children.size === 0) child.member = true;
      set.children.set(k, child);
    }
    return set;
  }
}

/** A path as upstream prints it in conflicts: `.spec.containers[name="web"].image`. */
export function formatPath(path: readonly string[]): string {
  return path
    .map((e) => {
      const body = e.slice(2);
      if (e.startsWith('f:')) return `.${body}`;
      if (e.startsWith('v:')) return `[=${body}]`;
      if (e.startsWith('i:')) return `[${body}]`;
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(keys).map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(',')}]`;
    })
    .join('');
}
