#!/usr/bin/env node
// The `policybot` command: compiles the sources first when dist/ is missing or older than
// them, then runs the compiled CLI (dist/bin/run.js).
import { ensureBuilt } from '../scripts/build.mjs';

try {
  ensureBuilt();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
await import('../dist/bin/run.js');
