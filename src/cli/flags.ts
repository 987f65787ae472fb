/**
 * One command-line flag: `--name value`, `--name=value`, or `--name` alone
 * for booleans. A `list` flag may repeat; its values collect in order.
 */
export interface FlagSpec {
  readonly type: 'string' | 'number' | 'boolean' | 'list';
  readonly description: string;
  /** Applied when the flag is absent. */
  readonly default?: string | number | boolean;
  /** Shown in help instead of `default` (for defaults computed at run time). */
  readonly defaultText?: string;
  /** The only values accepted (strings only). */
  readonly choices?: readonly string[];
  /** Name of the value in help (default: the type, e.g. `string`). */
  readonly placeholder?: string;
}

/** A command's flags, by name without the leading `--`. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : F['type'] extends 'number' ? number : F['type'] extends 'list' ? string[] : string;

/** Parsed flag values; absent when neither given nor defaulted. */
export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]?: ValueOf<S[K]> };

/** The result of {@link parseFlags}. */
export interface ParsedFlags<S extends FlagSpecs> {
  readonly values: FlagValues<S>;
  /** Arguments that are not flags, in order (everything after `--` included). */
  readonly args: readonly string[];
  /** `--help` or `-h` was given. */
  readonly help: boolean;
}

/** Stable codes of {@link FlagError}. */
export type FlagErrorCode = 'UnknownFlag' | 'MissingValue' | 'InvalidValue';

/** A command line that does not fit the flag specs; the entry point exits 2 on it. */
export class FlagError extends Error {
  readonly code: FlagErrorCode;
  readonly flag: string;

  constructor(code: FlagErrorCode, flag: string, message: string) {
    super(message);
    this.name = 'FlagError';
    this.code = code;
    this.flag = flag;
  }
}

/**
 * Parse `argv` against `specs`. Unknown flags, missing values and values
 * of the wrong type throw {@link FlagError}; the last of repeated flags wins,
 * except for `list` flags, which collect every value.
 *
 * @example
 * const { values } = parseFlags({ port: { type: 'number', default: 6443, description: 'port' } }, ['--port=7443']);
 */
export function parseFlags<S extends FlagSpecs>(specs: S, argv: readonly string[]): ParsedFlags<S> {
  const values: Record<string, string | number | boolean | string[]> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.default !== undefined) values[name] = spec.default;
  }
  const args: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      args.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new FlagError('UnknownFlag', arg, `unknown flag ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) throw new FlagError('UnknownFlag', name, `unknown flag --${name}`);
    let text: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (text === undefined && spec.type !== 'boolean') {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new FlagError('MissingValue', name, `flag --${name} needs a value`);
      }
      text = next;
      i++;
    }
    const value = convert(name, spec, text);
    const list = values[name];
    if (spec.type === 'list') values[name] = [...(Array.isArray(list) ? list : []), String(value)];
    else values[name] = value;
  }
  return { values: values as FlagValues<S>, args, help };
}

function convert(name: string, spec: FlagSpec, text: string | undefined): string | number | boolean {
  const invalid = (why: string) => new FlagError('InvalidValue', name, `invalid value ${JSON.stringify(text)} for --${name}: ${why}`);
  switch (spec.type) {
    case 'boolean':
      if (text === undefined || text === 'true') return true;
      if (text === 'false') return false;
      throw invalid('want true or false');
    case 'number': {
      const n = Number(text);
      if (text === undefined || text.trim() === '' || !Number.isInteger(n)) throw invalid('want an integer');
      return n;
    }
    case 'string':
    case 'list':
      if (text === undefined) throw invalid('want a value');
      if (spec.choices !== undefined && !spec.choices.includes(text)) throw invalid(`want one of ${spec.choices.join(', ')}`);
      return text;
  }
}

/** Help text listing every flag with its value, description and default, one per line. */
export function formatFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const value = spec.type === 'boolean' ? '' : ` ${spec.placeholder ?? (spec.choices?.join('|') || spec.type)}`;
    const def = spec.defaultText ?? (spec.default === undefined || spec.default === false ? undefined : String(spec.default));
    const repeat = spec.type === 'list' ? ' (may repeat)' : '';
    return { left: `--${name}${value}`, right: spec.description + repeat + (def === undefined ? '' : ` (default: ${def})`) };
  });
  rows.push({ left: '--help, -h', right: 'show this help' });
  const width = Math.max(...rows.map((r) => r.left.length));
  return rows.map((r) => `  ${r.left.padEnd(width)}   ${r.right}`).join('\n');
}
