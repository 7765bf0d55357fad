import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty';
import { configSecrets, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { isPolicybotError, errorMessage } from '../errors.ts';
import type { CliContext, CliIO } from './io.ts';
import type { ChannelModule } from '../chat/channel.ts';
import { println } from './io.ts';
import { askCommand } from './ask.ts';
import { ingestCommand } from './ingest.ts';
import { evalCommand, calibrateCommand } from './eval.ts';
import { startCommand } from './start.ts';
import { benchCommand } from './bench.ts';
import { unansweredCommand } from './unanswered.ts';
import { checkCommand } from './check.ts';
import { measuresCommand } from './measures.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own args type
type Sub = (ctx: CliContext) => CommandDef<any>;

const SUBCOMMANDS: Record<string, Sub> = {
  ingest: ingestCommand,
  ask: askCommand,
  eval: evalCommand,
  calibrate: calibrateCommand,
  start: startCommand,
  bench: benchCommand,
  unanswered: unansweredCommand,
  check: checkCommand,
  measures: measuresCommand,
};

function root(ctx: CliContext): CommandDef {
  return defineCommand({
    meta: { name: 'policybot', description: '人社政策问答：离线检索、逐段引用的回答（policybot）' },
    subCommands: Object.fromEntries(Object.entries(SUBCOMMANDS).map(([k, f]) => [k, f(ctx)])),
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
    println(io.stdout, await renderUsage(cmd));
    return name ? 0 : 1;
  }
  if (!sub) {
    println(io.stderr, `policybot: unknown command "${name}". Commands: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    return 2;
  }
  const subCmd = sub(ctx);
  if (rest.includes('--help') || rest.includes('-h')) {
    println(io.stdout, await renderUsage(subCmd, cmd));
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
