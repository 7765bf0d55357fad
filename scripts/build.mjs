#!/usr/bin/env node
// Compiles src/ and bots/ to dist/ (tsc -p tsconfig.build.json) and copies the files the
// code reads at run time (data, static pages) beside the compiled modules.
//   node scripts/build.mjs             build
//   node scripts/build.mjs --if-needed build only when a source is newer than the last build
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const SOURCES = ['src', 'bots', 'bin'];
/** Folders whose run-time files (data, static pages) are copied beside the compiled modules. */
const ASSET_DIRS = ['src', 'bots'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** Run-time files that are not TypeScript: copied as they are. */
const ASSET = /\.(?:json|ya?ml|txt|js|css|svg|png|ico|html)$/;

function* files(dir) {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(abs);
    else if (e.isFile()) yield abs;
  }
}

function newestSource() {
  let newest = 0;
  for (const c of CONFIGS) newest = Math.max(newest, fs.statSync(path.join(ROOT, c)).mtimeMs);
  for (const s of SOURCES) for (const f of files(path.join(ROOT, s))) newest = Math.max(newest, fs.statSync(f).mtimeMs);
  return newest;
}

/** True when dist/ is missing or older than a source file. */
export function isStale() {
  if (!fs.existsSync(STAMP)) return true;
  return newestSource() > fs.statSync(STAMP).mtimeMs;
}

export function build({ quiet = false } = {}) {
  let tsc;
  try {
    tsc = createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    throw new Error('构建需要 TypeScript（devDependencies）：请先运行 npm ci（不要加 --omit=dev），或使用已构建的 dist/。');
  }
  if (!quiet) process.stderr.write('policybot: 正在编译 TypeScript → dist/ …\n');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc 失败（退出码 ${r.status}）`);
  for (const s of ASSET_DIRS) {
    for (const f of files(path.join(ROOT, s))) {
      if (f.endsWith('.ts') || !ASSET.test(f)) continue;
      const out = path.join(DIST, path.relative(ROOT, f));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(f, out);
    }
  }
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

/** Builds when dist/ is missing or stale; with no compiler but a dist/, runs the existing build. */
export function ensureBuilt() {
  if (!isStale()) return;
  try {
    build();
  } catch (err) {
    if (fs.existsSync(path.join(DIST, 'bin', 'run.js'))) {
      process.stderr.write(`policybot: dist/ 可能不是最新的（${err.message}），继续使用现有构建。\n`);
      return;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    if (process.argv.includes('--if-needed')) ensureBuilt();
    else build();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
