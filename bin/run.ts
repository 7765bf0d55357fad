// The composition root of the `policybot` command (compiled to dist/bin/run.js; the
// launcher bin/policybot.js builds it first when needed): hands the channel adapters in
// bots/ to the core CLI, so src/ never imports bots/. Only this file sets the exit code.
import { main } from '../src/cli/main.ts';
import { CHANNELS } from '../bots/index.ts';

process.exitCode = await main(process.argv.slice(2), process.env, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, CHANNELS);
