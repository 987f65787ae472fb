/**
 * Container logs as the kubelet serves them to `kubectl logs`: reads the
 * CRI log file the runtime writes (`TIMESTAMP STREAM TAG CONTENT` per line,
 * TAG `P` for a partial line continued by the next, `F` for the end of one)
 * with upstream's options: `tailLines`, `sinceTime`, `timestamps`,
 * `limitBytes` and `follow`.
 */
import { open, stat } from 'node:fs/promises';
import { sleep } from '../client/index.js';

export interface LogOptions {
  /** Only the last N lines. */
  readonly tailLines?: number;
  /** Only lines logged at or after this time (ms since the epoch). */
  readonly sinceMs?: number;
  /** Prefix each line with its RFC3339Nano timestamp, as `kubectl logs --timestamps`. */
  readonly timestamps?: boolean;
  /** Stop after this many bytes. */
  readonly limitBytes?: number;
  /** Keep reading as the file grows until `done()` says the container has exited (then drain) or `signal` aborts. */
  readonly follow?: boolean;
  readonly done?: () => boolean | Promise<boolean>;
  readonly signal?: AbortSignal;
  /** How often a followed file is checked for growth. */
  readonly pollMs?: number;
}

/** One logical line: partial CRI lines joined. */
export interface LogLine {
  readonly time: string;
  readonly stream: 'stdout' | 'stderr';
  readonly content: string;
}

/** Parses CRI log lines; keeps a partial line until the line that ends it. */
export class LogParser {
  #partial: { time: string; stream: LogLine['stream']; content: string } | undefined;

  /** The complete lines in `lines` (text without their newlines). */
  push(lines: readonly string[]): LogLine[] {
    const out: LogLine[] = [];
    for (const raw of lines) {
      const a = raw.indexOf(' ');
      const b = raw.indexOf(' ', a + 1);
      const c = raw.indexOf(' ', b + 1);
      if (a < 0 || b < 0) continue;
      const time = raw.slice(0, a);
      const stream = raw.slice(a + 1, b) === 'stderr' ? 'stderr' : 'stdout';
      const tag = c < 0 ? raw.slice(b + 1) : raw.slice(b + 1, c);
      const content = c < 0 ? '' : raw.slice(c + 1);
      const start = this.#partial ?? { time, stream, content: '' };
      start.content += content;
      if (tag.split(':')[0] === 'P') {
        this.#partial = start;
        continue;
      }
      this.#partial = undefined;
      out.push(start);
    }
    return out;
  }
}

const render = (l: LogLine, timestamps: boolean) => `${timestamps ? `${l.time} ` : ''}${l.content}\n`;

/**
 * Write the log at `path` to `write` with `opts`; resolves when done (at
 * the end of the file, or when a followed container has exited and its log
 * is drained, or on abort).
 */
export async function readLog(path: string, opts: LogOptions, write: (text: string) => void): Promise<void> {
  const file = await open(path, 'r');
  let budget = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  const emit = (lines: readonly LogLine[]): boolean => {
    for (const l of lines) {
      if (opts.sinceMs !== undefined && Date.parse(l.time) < opts.sinceMs) continue;
      let text = render(l, opts.timestamps === true);
      if (Buffer.byteLength(text) > budget) text = Buffer.from(text).subarray(0, budget).toString('utf8');
      budget -= Buffer.byteLength(text);
      if (text) write(text);
      if (budget <= 0) return false;
    }
    return true;
  };
  try {
    const parser = new LogParser();
    let position = 0;
    let rest = '';
    const readMore = async (): Promise<LogLine[]> => {
      const size = (await stat(path)).size;
      if (size <= position) return [];
      const buf = Buffer.alloc(size - position);
      const { bytesRead } = await file.read(buf, 0, buf.length, position);
      position += bytesRead;
      const text = rest + buf.subarray(0, bytesRead).toString('utf8');
      const cut = text.lastIndexOf('\n');
      rest = cut < 0 ? text : text.slice(cut + 1);
      return cut < 0 ? [] : parser.push(text.slice(0, cut).split('\n'));
    };
    let first = await readMore();
    if (opts.tailLines !== undefined) first = opts.tailLines <= 0 ? [] : first.slice(-opts.tailLines);
    if (!emit(first) || !opts.follow) return;
    const poll = opts.pollMs ?? 200;
    while (!opts.signal?.aborted) {
      const exited = (await opts.done?.()) === true;
      if (!emit(await readMore())) return;
      if (exited) return;
      await sleep(poll, opts.signal);
    }
  } finally {
    await file.close();
  }
}
