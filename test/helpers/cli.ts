import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { ChannelModule } from '../../src/chat/channel.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as `policybot <argv>` would, capturing its output. */
export async function runCli(
  argv: string[],
  env: Record<string, string>,
  opts: { stdin?: string; channels?: ChannelModule[] } = {},
): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  stdin.end(opts.stdin ?? '');
  const code = await main(argv, env, { stdin, stdout, stderr }, opts.channels);
  // Let the streams deliver what was written before returning.
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}
