// The `skiff` command (bin/skiff): parse flags, wire SIGINT/SIGTERM to an
// AbortSignal, run the role. The only module that calls process.exit.
import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import type { LogFormat, Logger, LogLevel } from '../log.js';
import { FlagError, formatFlags, parseFlags, type FlagSpecs, type FlagValues } from './flags.js';

const USAGE = `skiff — Kubernetes in TypeScript: one program, a whole cluster

Usage:
  skiff COMMAND [flags]

Commands:
  server   run the control plane (API server, datastore, controllers) and an embedded agent
  agent    run a node agent (kubelet, service proxy) that joins a server
  hollow   run simulated nodes for scale tests
  image    import or build container images without a registry

Flags:
  --help, -h      show this help
  --version, -v   print the version

Run 'skiff COMMAND --help' for the flags of a command.`;

/** Version of skiff, from package.json (dist/src/cli/main.js is three folders below it). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Run the command line `argv` (without node and script); resolves to the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`skiff version v${version()} (node ${process.version})\n`);
    return 0;
  }
  if (command === 'server') return server(rest);
  if (command === 'hollow') return hollow(rest);
  if (command === 'image') return (await import('./image.js')).runImage(rest);
  if (command === 'agent') return agent(rest);
  process.stderr.write(`skiff: unknown command ${JSON.stringify(command)}\nRun 'skiff --help' for usage.\n`);
  return 2;
}

/** What the options of every role hold besides their own. */
type RoleOptions = { logLevel: LogLevel; logFormat: LogFormat };

/** The machine facts flag defaults depend on. */
const machine = () => ({ uid: process.getuid?.() ?? -1, home: homedir(), hostname: hostname(), cwd: process.cwd() });

/**
 * Parse a role's flags (`--help` prints `usage` and them; a bad flag is
 * exit 2 with the message), then run it until SIGINT/SIGTERM.
 */
async function role<S extends FlagSpecs, O extends RoleOptions>(name: string, argv: readonly string[], flags: S, usage: string, options: (values: FlagValues<S>) => O, run: (o: O, signal: AbortSignal, log: Logger) => Promise<void>): Promise<number> {
  let o: O;
  try {
    const parsed = parseFlags(flags, argv);
    if (parsed.help) {
      process.stdout.write(`Usage:\n  skiff ${usage}\n\nFlags:\n${formatFlags(flags)}\n`);
      return 0;
    }
    if (parsed.args.length > 0) throw new FlagError('InvalidValue', '', `unexpected argument ${JSON.stringify(parsed.args[0])}`);
    o = options(parsed.values);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`skiff ${name}: ${err.message}\nRun 'skiff ${name} --help' for usage.\n`);
    return 2;
  }
  return runRole(name, o, (signal, log) => run(o, signal, log));
}

async function server(argv: readonly string[]): Promise<number> {
  const { serverFlags, serverOptions } = await import('./server-flags.js');
  return role('server', argv, serverFlags, 'server [flags]\n\nRun the control plane.', (v) => serverOptions(v, machine()), async (o, signal, log) => (await import('./server.js')).runServer(o, signal, { log }));
}

async function hollow(argv: readonly string[]): Promise<number> {
  const { hollowFlags, hollowOptions } = await import('./hollow-flags.js');
  return role('hollow', argv, hollowFlags, 'hollow --server https://HOST:PORT --token TOKEN [--ca-file FILE] --nodes N [flags]\n\nRun simulated nodes (no containers) for scale tests.', (v) => hollowOptions(v, machine()), async (o, signal, log) => (await import('./hollow.js')).runHollow(o, signal, log));
}

async function agent(argv: readonly string[]): Promise<number> {
  const { agentFlags, agentOptions } = await import('./agent-flags.js');
  return role('agent', argv, agentFlags, 'agent --server https://HOST:PORT --token TOKEN [--ca-file FILE] [flags]\n\nRun a node that joins a server.', (v) => agentOptions(v, machine()), async (o, signal, log) => (await import('./agent.js')).runAgent(o, signal, log));
}

/** Run a role with a logger, stopping it on SIGINT/SIGTERM (a second signal exits at once); resolves to the exit code. */
async function runRole(component: string, o: RoleOptions, run: (signal: AbortSignal, log: Logger) => Promise<void>): Promise<number> {
  const { newLogger } = await import('../log.js');
  const log = newLogger({ level: o.logLevel, format: o.logFormat }).child({ component });
  const controller = new AbortController();
  const stop = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      log.warn('second signal, exiting at once', { signal: sig });
      process.exit(1);
    }
    log.info('signal received', { signal: sig });
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await run(controller.signal, log);
    return 0;
  } catch (err) {
    log.error(`${component} failed`, { err });
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`skiff: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
