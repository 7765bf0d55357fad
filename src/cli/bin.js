#!/usr/bin/env node
// The `policybot` executable: loads the TypeScript sources through tsx and runs the CLI.
// Only this file exits the process; commands return an exit code. It is also the
// composition root: it hands the channel adapters in bots/ to the core.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const { CHANNELS } = await import('../../bots/index.ts');
process.exitCode = await main(
  process.argv.slice(2),
  process.env,
  { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  CHANNELS,
);
