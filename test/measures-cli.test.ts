import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { withUrls } from '../src/measures/store.ts';
import { indexPath, readManifest, readMeasures } from '../src/index/store.ts';
import type { Measure } from '../src/measures/types.ts';
import { createChatCore } from '../src/chat/core.ts';
import type { ChatCore } from '../src/chat/types.ts';
import { buildServer, type PolicybotServer } from '../src/server/app.ts';
import { loadConfig } from '../src/config.ts';
import { openEngine } from '../src/engine.ts';
import { copyBundled } from './helpers/bundled.ts';
import { createLogger } from '../src/log.ts';

const PUBLIC = 'https://bot.example.cn';

let root: string;
let corpus: string;
let index: string;
let env: Record<string, string>;

const run = (argv: string[]) => runCli(argv, env);

const json = async (argv: string[]) => {
  const r = await run([...argv, '--json', '--corpus', corpus, '--index', index]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { region: string | null; count: number; measures: Measure[] };
};

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-measures-'));
  ({ corpus, index } = copyBundled(root));
  env = { EMBEDDER: 'hashed', LOG_LEVEL: 'silent', TODAY: '2026-11-22', PUBLIC_BASE_URL: PUBLIC, DATA_DIR: path.join(root, 'data') };
}, 60_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the catalog in the index', () => {
  it('the index holds measures.json beside the other artifacts, checksummed in the manifest', () => {
    const file = path.join(indexPath(index), 'measures.json');
    expect(fs.existsSync(file)).toBe(true);
    expect(readManifest(index).files['measures.json']).toMatch(/^[0-9a-f]{64}$/);
    const measures = withUrls(readMeasures(index), PUBLIC);
    const flex = measures.find((m) => m.name === '灵活就业社会保险补贴' && m.region === '广东省');
    expect(flex?.url).toBe(`${PUBLIC}/docs/${encodeURIComponent(flex!.docId)}#p33`);
    // Stored without links: the base URL is applied when reading.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).measures.every((m: Measure) => m.url === '')).toBe(true);
    expect(withUrls(readMeasures(index), 'http://other.example')[0]!.url.startsWith('http://other.example/docs/')).toBe(true);
  });

  it('a tampered measures.json is refused', () => {
    const copy = path.join(root, 'tampered');
    fs.cpSync(index, copy, { recursive: true });
    fs.writeFileSync(path.join(indexPath(copy), 'measures.json'), '{"formatVersion":1,"measures":[]}');
    expect(() => readMeasures(copy)).toThrow(expect.objectContaining({ code: 'E_INDEX_CORRUPT' }));
  });

  it('a corpus change rebuilds the index and the catalog follows it', async () => {
    const before = await json(['measures']);
    expect(before.measures.some((m) => m.name === '一次性求职创业补贴')).toBe(false);
    const extra = path.join(corpus, 'zz-新增政策.txt');
    fs.writeFileSync(
      extra,
      '关于发放求职创业补贴的通知\n发文机关：青岛市人力资源和社会保障局\n\n对毕业年度内的低保家庭高校毕业生，按每人2000元标准给予一次性求职创业补贴。\n',
    );
    try {
      const after = await json(['measures']);
      const added = after.measures.find((m) => m.name === '一次性求职创业补贴');
      expect(added, JSON.stringify(after.measures.map((m) => m.name))).toBeDefined();
      expect(added!.amounts.map((a) => a.value)).toEqual([2000]);
      expect(added!.groups).toEqual(expect.arrayContaining(['低保家庭', '高校毕业生']));
      expect(withUrls(readMeasures(index), PUBLIC).some((m) => m.name === '一次性求职创业补贴')).toBe(true);
    } finally {
      fs.rmSync(extra);
    }
  }, 60_000);
});

describe('policybot measures', () => {
  it('lists the catalog grouped by document with amount, groups, validity and link', async () => {
    const r = await run(['measures', '--corpus', corpus, '--index', index]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('《广东省高校毕业生就业创业扶持政策清单》');
    expect(r.stdout).toContain('灵活就业社会保险补贴');
    expect(r.stdout).toContain('按每人每月300元');
    expect(r.stdout).toContain('有效期至：2025-12-31');
    expect(r.stdout).toContain(`${PUBLIC}/docs/`);
    expect(r.stdout).toMatch(/共 \d+ 项措施/);
  });

  it('--region nests: 广州市 gets 广东省 measures and not 城阳区 ones; 城阳区 gets its own and national laws', async () => {
    const gz = await json(['measures', '--region', '广州市']);
    expect(gz.region).toBe('广州市');
    const regions = new Set(gz.measures.map((m) => m.region));
    expect(regions.has('广东省')).toBe(true);
    expect(regions.has('青岛市城阳区')).toBe(false);
    const cy = await json(['measures', '--region', '城阳区']);
    expect(cy.region).toBe('青岛市城阳区');
    expect(cy.measures.some((m) => m.name === '小微企业社会保险补贴' && m.region === '青岛市城阳区')).toBe(true);
    expect(cy.measures.some((m) => m.region === '广东省')).toBe(false);
    expect(cy.measures.some((m) => m.region === '全国')).toBe(true);
    const sb = await json(['measures', '--region', '青岛市市北区']);
    expect(sb.measures.some((m) => m.region === '青岛市城阳区')).toBe(false);
  });

  it('an unknown region is a clear error, not a crash', async () => {
    const r = await run(['measures', '--region', '火星', '--corpus', corpus, '--index', index]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不认识地区「火星」');
  });
});

describe('GET /api/measures', () => {
  let srv: PolicybotServer;
  let chat: ChatCore;
  beforeAll(async () => {
    const config = loadConfig({ ...env, CORPUS_DIR: corpus, INDEX_DIR: index }, process.cwd());
    const logger = createLogger('silent');
    const engine = await openEngine(config, { logger });
    chat = createChatCore({ config, logger, engine });
    srv = await buildServer({ config, logger, engine, chat });
  }, 60_000);
  afterAll(async () => {
    await srv?.app.close();
    await chat?.close();
  });

  it('returns the catalog, filtered by region, with links', async () => {
    const res = await srv.app.inject({ method: 'GET', url: `/api/measures?region=${encodeURIComponent('广州市')}` });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ region: string; count: number; measures: Measure[] }>();
    expect(body.region).toBe('广州市');
    expect(body.count).toBe(body.measures.length);
    const m = body.measures.find((x) => x.name === '一次性创业补贴' && x.region === '广东省');
    expect(m?.amounts[0]?.value).toBe(1);
    expect(m?.url).toMatch(new RegExp(`^${PUBLIC}/docs/.+#p52$`));
  });

  it('an unknown region is a 400 with a Chinese message', async () => {
    const res = await srv.app.inject({ method: 'GET', url: `/api/measures?region=${encodeURIComponent('火星')}` });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('火星');
  });
});
