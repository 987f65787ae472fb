/** Severity of a log event, least to most severe. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** How a log line is written: logfmt (`key=value …`) or one JSON object. */
export type LogFormat = 'logfmt' | 'json';

/** Structured fields of one log event. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger; `child` adds fields (such as `component`) to every line. */
export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** True if events at `level` are written; guard costly hot-path logging with it. */
  enabled(level: LogLevel): boolean;
  child(fields: LogFields): Logger;
}

/** Options of {@link newLogger}. */
export interface LoggerOptions {
  /** Events below this level are dropped (default `info`). */
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Where each line goes, without its newline (default: stderr). */
  readonly write?: (line: string) => void;
  /** Current time (default: the system clock). */
  readonly now?: () => Date;
  /** Fields on every line. */
  readonly fields?: LogFields;
}

/** Every level, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** True if `s` names a {@link LogLevel}. */
export const isLogLevel = (s: string): s is LogLevel => (LOG_LEVELS as readonly string[]).includes(s);

/**
 * A logger writing one line per event.
 *
 * @example
 * const log = newLogger({ level: 'debug' }).child({ component: 'server' });
 * log.info('ready', { ms: 212 }); // time=… level=info msg=ready component=server ms=212
 */
export function newLogger(options: LoggerOptions = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const format = options.format === 'json' ? json : logfmt;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => new Date());

  const make = (base: LogFields): Logger => {
    const at =
      (level: LogLevel) =>
      (message: string, fields?: LogFields): void => {
        if (LOG_LEVELS.indexOf(level) < min) return;
        write(format({ time: now().toISOString(), level, msg: message, ...base, ...fields }));
      };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      enabled: (level) => LOG_LEVELS.indexOf(level) >= min,
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything (tests, libraries called without one). */
export const discardLogger: Logger = newLogger({ level: 'error', write: () => undefined });

/** Errors become their message (and code, when they have one); everything else stays. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${value.message}` : value.message;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function json(fields: LogFields): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = plain(v);
  return JSON.stringify(out);
}

function logfmt(fields: LogFields): string {
  const parts: string[] = [];
  for (const [k, raw] of Object.entries(fields)) {
    const v = plain(raw);
    if (v === undefined) continue;
    let s = text(v);
    // JSON.stringify escapes quotes, backslashes and control characters
    if (s === '' || /[\s"=\\]/.test(s) || JSON.stringify(s).length !== s.length + 2) s = JSON.stringify(s);
    parts.push(`${k}=${s}`);
  }
  return parts.join(' ');
}

function text(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      return JSON.stringify(v);
    default:
      return typeof v;
  }
}
