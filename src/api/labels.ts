/**
 * Label selectors as upstream's k8s.io/apimachinery/pkg/labels: the string
 * syntax (`a=b,c in (d,e),!f`), metav1.LabelSelector, and matching.
 */
import { SelectorError } from './errors.js';
import { fieldErrorString, invalid, notSupported } from './field-errors.js';
import type { FieldError } from './meta.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';
import { lex, type Token } from './labels-lexer.js';

/** selection.Operator values, spelled as upstream. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement: key, operator and (sorted, unique) values. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** A parsed label selector: all requirements must match (AND). */
export interface LabelSelector {
  /** Requirements sorted by key; empty for a selector that matches everything. */
  readonly requirements: readonly LabelRequirement[];
  /** True if the selector does not restrict (matches every label set). */
  readonly empty: boolean;
  /** True if the labels satisfy every requirement (a nothing-selector matches none). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** The value `key` must equal, if the selector pins it (`k=v`, `k==v`, `k in (v)`). */
  requiresExactMatch(key: string): string | undefined;
  /** Upstream's canonical form: `a=b,c in (d,e),!f`. */
  toString(): string;
}

/** metav1.LabelSelector. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const allOperators: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt', 'exists', '!'];

function aggregate(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorString))];
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}

function keyError(key: string, path: string): FieldError | undefined {
  const msgs = isQualifiedName(key);
  return msgs.length > 0 ? invalid(path, key, msgs.join('; ')) : undefined;
}

/** Upstream's NewRequirement: validates and builds one requirement, or returns upstream's errors. */
export function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
): LabelRequirement | FieldError[] {
  const errs: FieldError[] = [];
  const ke = keyError(key, 'key');
  if (ke) errs.push(ke);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v))
          errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported('operator', operator, allOperators));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, msgs.join('; ')));
  });
  return errs.length > 0 ? errs : { key, operator, values: [...values] };
}

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key] ?? '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(value) || r.values.length !== 1) return false;
      const a = BigInt(value);
      const b = BigInt(r.values[0] ?? '0');
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  const vals = [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${vals})`;
    case 'notin':
      return `${r.key} notin (${vals})`;
    case 'gt':
      return `${r.key}>${vals}`;
    case 'lt':
      return `${r.key}<${vals}`;
    default:
      return `${r.key}${r.operator}${vals}`;
  }
}

/** Builds a selector from requirements (sorted by key, as upstream's Add). */
export function selectorFromRequirements(reqs: readonly LabelRequirement[]): LabelSelector {
  const requirements = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
    requiresExactMatch(key) {
      const r = requirements.find((x) => x.key === key);
      if (!r || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
      return r.values[0];
    },
    toString: () => requirements.map(requirementString).join(','),
  };
}

/** The selector that matches every label set. */
export function everything(): LabelSelector {
  return selectorFromRequirements([]);
}

/** The selector that matches nothing (a nil metav1.LabelSelector). */
export function nothing(): LabelSelector {
  return { requirements: [], empty: false, matches: () => false, requiresExactMatch: () => undefined, toString: () => '' };
}

/** A selector requiring exactly the given labels (an RC's `spec.selector`); empty or absent matches all. */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined): LabelSelector {
  return selectorFromRequirements(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=', values: [v] })));
}

/** Parses upstream's label selector syntax; throws {@link SelectorError} (code 'BadSelector') on bad input. */
export function parseLabelSelector(s: string): LabelSelector {
  return selectorFromRequirements(new Parser(lex(s)).parse());
}

class Parser {
  readonly #items: readonly Token[];
  #pos = 0;

  constructor(items: readonly Token[]) {
    this.#items = items;
  }

  /** Current token; `in`/`notin` read as identifiers in value context, as upstream. */
  #peek(values = true): Token {
    const t = this.#items[this.#pos] ?? { tok: 'end', lit: '' };
    return values && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id', lit: t.lit } : t;
  }

  #next(values = true): Token {
    const t = this.#peek(values);
    this.#pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const t = this.#peek();
      if (t.tok === 'end') return reqs;
      if (t.tok !== 'id' && t.tok !== '!')
        throw new SelectorError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.#requirement());
      const after = this.#next();
      if (after.tok === 'end') return reqs;
      if (after.tok !== ',') throw new SelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = this.#peek();
      if (t2.tok !== 'id' && t2.tok !== '!')
        throw new SelectorError(`found '${t2.lit}', expected: identifier after ','`);
    }
  }

  #requirement(): LabelRequirement {
    const fail = (msg: string): never => {
      throw new SelectorError(`unable to parse requirement: ${msg}`);
    };
    let t = this.#next();
    let op: LabelOperator | undefined;
    if (t.tok === '!') {
      op = '!';
      t = this.#next();
    }
    if (t.tok !== 'id') return fail(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const ke = keyError(key, '<nil>');
    if (ke) return fail(fieldErrorString(ke));
    const la = this.#peek().tok;
    let values: string[] = [];
    if (op === '!' || la === 'end' || la === ',') {
      op ??= 'exists';
    } else {
      const o = this.#next(false);
      const opOf: Partial<Record<string, LabelOperator>> = {
        in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt',
      };
      op = opOf[o.tok];
      if (op === undefined) return fail(`found '${o.lit}', expected: ${binaryOperators.join(', ')}`);
      values = op === 'in' || op === 'notin' ? this.#values(fail) : this.#exactValue(fail);
    }
    const r = newRequirement(key, op, values);
    return Array.isArray(r) ? fail(aggregate(r)) : r;
  }

  #values(fail: (m: string) => never): string[] {
    const open = this.#next();
    if (open.tok !== '(') return fail(`found '${open.lit}' expected: '('`);
    const t = this.#peek();
    if (t.tok === ')') {
      this.#next();
      return [''];
    }
    if (t.tok !== 'id' && t.tok !== ',') return fail(`found '${t.lit}', expected: ',', ')' or identifier`);
    const set = new Set<string>();
    for (;;) {
      const v = this.#next();
      if (v.tok === 'id') {
        set.add(v.lit);
        const n = this.#peek();
        if (n.tok === ')') break;
        if (n.tok !== ',') return fail(`found '${n.lit}', expected: ',' or ')'`);
      } else if (v.tok === ',') {
        if (set.size === 0) set.add('');
        const n = this.#peek();
        if (n.tok === ')') {
          set.add('');
          break;
        }
        if (n.tok === ',') {
          this.#next();
          set.add('');
        }
      } else {
        return fail(`found '${v.lit}', expected: ',', or identifier`);
      }
    }
    const close = this.#next();
    if (close.tok !== ')') return fail(`found '${t.lit}', expected: ')'`);
    return [...set].sort();
  }

  #exactValue(fail: (m: string) => never): string[] {
    const t = this.#peek();
    if (t.tok === 'end' || t.tok === ',') return [''];
    const v = this.#next();
    if (v.tok === 'id') return [v.lit];
    return fail(`found '${v.lit}', expected: identifier`);
  }
}

/**
 * Converts a metav1.LabelSelector: undefined/null matches nothing, `{}` matches
 * everything, as upstream's LabelSelectorAsSelector. Throws SelectorError.
 */
export function fromLabelSelector(sel: LabelSelectorSpec | null | undefined): LabelSelector {
  if (sel === undefined || sel === null) return nothing();
  const reqs: LabelRequirement[] = [];
  const add = (r: LabelRequirement | FieldError[]): void => {
    if (Array.isArray(r)) throw new SelectorError(aggregate(r));
    reqs.push(r);
  };
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) add(newRequirement(k, '=', [v]));
  const ops: Partial<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
  for (const e of sel.matchExpressions ?? []) {
    const op = ops[e.operator];
    if (op === undefined) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    add(newRequirement(e.key, op, e.values ?? []));
  }
  return selectorFromRequirements(reqs);
}
