import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty';
import { configSecrets, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { isPolicybotError, errorMessage } from '../errors.ts';
import type { CliContext, CliIO } from './io.ts';
import type { ChannelModule } from '../chat/channel.ts';
import { printUsage, println } from './io.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own args type
type Sub = (ctx: CliContext) => CommandDef<any>;

/**
 * Commands are loaded when used: `ask` should not pay for the web server, the chat store or the
 * eligibility checker at start-up (cold start to first answer is a product target).
 */
const SUBCOMMANDS: Record<string, () => Promise<Sub>> = {
  ingest: async () => (await import('./ingest.ts')).ingestCommand,
  ask: async () => (await import('./ask.ts')).askCommand,
  eval: async () => (await import('./eval.ts')).evalCommand,
  calibrate: async () => (await import('./eval.ts')).calibrateCommand,
  start: async () => (await import('./start.ts')).startCommand,
  bench: async () => (await import('./bench.ts')).benchCommand,
  unanswered: async () => (await import('./unanswered.ts')).unansweredCommand,
  forget: async () => (await import('./forget.ts')).forgetCommand,
  check: async () => (await import('./check.ts')).checkCommand,
  measures: async () => (await import('./measures.ts')).measuresCommand,
};

function root(ctx: CliContext): CommandDef {
  return defineCommand({
    meta: { name: 'policybot', description: '人社政策问答：离线检索、逐段引用的回答（policybot）' },
    subCommands: Object.fromEntries(Object.entries(SUBCOMMANDS).map(([k, load]) => [k, async () => (await load())(ctx)])),
  });
}

/** Runs the CLI with raw args; returns the exit code (never exits the process itself). */
export async function main(argv: string[], env: Record<string, string | undefined>, io: CliIO, channels: ChannelModule[] = []): Promise<number> {
  let ctx: CliContext;
  try {
    const config = loadConfig(env);
    ctx = { config, logger: createLogger(config.logLevel, configSecrets(config)), io, exitCode: 0, channels };
  } catch (err) {
    println(io.stderr, `policybot: ${errorMessage(err)}`);
    return 2;
  }
  const cmd = root(ctx);
  const [name, ...rest] = argv;
  const sub = name ? SUBCOMMANDS[name] : undefined;
  if (!name || name === '--help' || name === '-h' || (!sub && name.startsWith('-'))) {
    printUsage(io.stdout, await renderUsage(cmd));
    return name ? 0 : 1;
  }
  if (!sub) {
    println(io.stderr, `policybot: unknown command "${name}". Commands: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    return 2;
  }
  const subCmd = (await sub())(ctx);
  if (rest.includes('--help') || rest.includes('-h')) {
    printUsage(io.stdout, await renderUsage(subCmd, cmd));
    return 0;
  }
  try {
    await runCommand(subCmd, { rawArgs: rest });
    return ctx.exitCode;
  } catch (err) {
    if (isPolicybotError(err)) {
      println(io.stderr, `policybot: ${err.userMessage}\n  (${err.code}: ${err.message})`);
      return err.code === 'E_BAD_INPUT' || err.code === 'E_BAD_QUESTION' || err.code === 'E_CONFIG' ? 2 : 1;
    }
    println(io.stderr, `policybot: ${errorMessage(err)}`);
    ctx.logger.error({ err }, 'command failed');
    return 1;
  }
}
