/**
 * Field selectors as upstream's k8s.io/apimachinery/pkg/fields: terms
 * `field=value`, `field==value`, `field!=value` joined by commas, with `\`
 * escaping `\`, `,` and `=` in values. Which fields a kind supports is the
 * caller's business (the API server answers `field label not supported: f`).
 */
import { SelectorError } from './errors.js';

/** One term of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '==' | '!=';
  /** The unescaped value. */
  readonly value: string;
}

/** A parsed field selector: all requirements must hold (AND). */
export interface FieldSelector {
  /** Requirements in upstream's order (terms sorted as strings). */
  readonly requirements: readonly FieldRequirement[];
  /** The distinct fields the selector uses, for the caller to check against the kind's fields. */
  readonly fields: readonly string[];
  /** True if the selector does not restrict. */
  readonly empty: boolean;
  /** True if every term holds; `get` returns a field's value (undefined reads as ''). */
  matches(get: (field: string) => string | undefined): boolean;
  /** The value `field` must equal, if a `=`/`==` term pins it. */
  requiresExactMatch(field: string): string | undefined;
  /** Upstream's canonical form, values escaped. */
  toString(): string;
}

const operators = ['!=', '==', '='] as const;

/** Escapes `\`, `,` and `=` in a value, as upstream's EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Unescapes a value as upstream's UnescapeValue; throws SelectorError on a bad escape or bare `,`/`=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Upstream formats the rune with %v, which prints its code point.
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not escaped by a backslash. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

function splitTerm(term: string): [string, FieldRequirement['op'], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of operators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Builds a selector from requirements. */
export function fieldSelectorFrom(requirements: readonly FieldRequirement[]): FieldSelector {
  const reqs = [...requirements];
  return {
    requirements: reqs,
    fields: [...new Set(reqs.map((r) => r.field))],
    empty: reqs.length === 0,
    matches(get) {
      return reqs.every((r) => ((get(r.field) ?? '') === r.value) === (r.op !== '!='));
    },
    requiresExactMatch(field) {
      return reqs.find((r) => r.field === field && r.op !== '!=')?.value;
    },
    toString() {
      return reqs.map((r) => `${r.field}${r.op === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`).join(',');
    },
  };
}

/** Parses a field selector as upstream's ParseSelector; throws SelectorError (code 'BadSelector'). */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const [field, op, rhs] = t;
    reqs.push({ field, op, value: unescapeFieldValue(rhs) });
  }
  return fieldSelectorFrom(reqs);
}
