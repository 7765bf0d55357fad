import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { AnswerSchema } from '../src/answer/contract.ts';
import { indexPath } from '../src/index/store.ts';

const REPO = path.join(import.meta.dirname, '..');
const ENV = { EMBEDDER: 'hashed', LOG_LEVEL: 'silent', TODAY: '2026-11-22' };

let root: string;
let corpus: string;
let index: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const run = (argv: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> =>
  runCli(argv, opts.env ?? ENV, { stdin: opts.stdin });

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
  corpus = path.join(root, 'corpus');
  index = path.join(root, 'index');
  fs.cpSync(path.join(REPO, 'corpus'), corpus, { recursive: true });
}, 60_000);

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('policybot CLI', () => {
  it('--help prints readable usage to a pipe: the commands in Chinese, no escaped colour codes', async () => {
    for (const argv of [['--help'], ['ask', '--help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('USAGE');
      expect(r.stdout).toMatch(/[\u4e00-\u9fff]/u);
      expect(r.stdout).not.toContain('\\u001b');
      expect(r.stdout).not.toContain('\u001b');
    }
  });

  it('ingest builds an index and prints a summary', async () => {
    const r = await run(['ingest', '--corpus', corpus, '--out', index]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+ 份文件/);
    expect(fs.existsSync(path.join(indexPath(index), 'manifest.json'))).toBe(true);
    expect(indexPath(index)).toContain(path.join(index, 'versions'));
  }, 60_000);

  it('ask --json prints an answer that passes the contract', async () => {
    const r = await run(['ask', '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？', '--json', '--corpus', corpus, '--index', index]);
    expect(r.code, r.stderr).toBe(0);
    const a = AnswerSchema.parse(JSON.parse(r.stdout));
    expect(a.abstained).toBe(false);
    expect(a.answer).toContain('[1]');
    expect(a.citations[0]!.url).toMatch(/^http:\/\/localhost:3000\/docs\/[^#]+#p\d+$/);
  });

  it('ask without --json prints readable text with the citation links', async () => {
    const r = await run(['ask', '城选计划是什么？', '--corpus', corpus, '--index', index]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('城选计划');
    expect(r.stdout).toContain('http://localhost:3000/docs/');
    expect(() => JSON.parse(r.stdout) as unknown).toThrow();
  });

  it('ask with no question reads questions from stdin and writes JSONL', async () => {
    const r = await run(['ask', '--corpus', corpus, '--index', index], { stdin: '城选计划是什么？\n\n给我讲个笑话\n' });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => AnswerSchema.parse(JSON.parse(l)));
    expect(a!.question).toBe('城选计划是什么？');
    expect(a!.abstained).toBe(false);
    expect(b!.question).toBe('给我讲个笑话');
    expect(b!.abstained).toBe(true);
  });

  it('eval --json prints a report', async () => {
    const file = path.join(root, 'mini.jsonl');
    fs.writeFileSync(
      file,
      [
        { id: 'a', q: '新业态平台上的灵活就业人员意外伤害保险补贴标准是多少？', gold: ['每人每年不高于100元'] },
        { id: 'b', q: '天心区处理了多少起劳动人事争议案件？', gold: ['666起'] },
        { id: 'c', q: '给我讲个笑话', abstain: true },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const r = await run(['eval', '--file', file, '--json', '--corpus', corpus, '--index', index]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { hitAtK: number; questions: number; k: number; abstention: { correct: number } };
    expect(report.questions).toBe(3);
    expect(report.k).toBe(3);
    expect(report.hitAtK).toBe(1);
    expect(report.abstention.correct).toBe(1);
  });

  it('eval on a malformed file exits 2', async () => {
    const file = path.join(root, 'bad.jsonl');
    fs.writeFileSync(file, '{"id":"a","q":"x"}\nnot json\n');
    const r = await run(['eval', '--file', file, '--json', '--corpus', corpus, '--index', index]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_BAD_INPUT');
  });

  it('a question over 500 characters exits 2', async () => {
    const r = await run(['ask', '社'.repeat(501), '--corpus', corpus, '--index', index]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_BAD_QUESTION');
  });

  it('on stdin, a line that fails (over 500 characters) makes the exit code non-zero; the other lines are answered', async () => {
    const r = await run(['ask', '--corpus', corpus, '--index', index], { stdin: `城选计划是什么？\n${'失'.repeat(600)}\n` });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { error?: { code: string } });
    expect(lines).toHaveLength(2);
    expect(lines[1]!.error?.code).toBe('E_BAD_QUESTION');
  });

  it('an empty question is an error; a question starting with "-" is a question, also after --', async () => {
    const empty = await run(['ask', '', '--corpus', corpus, '--index', index]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('问题是空的');
    const dirs = ['--corpus', corpus, '--index', index];
    for (const argv of [['ask', '-1岁的孩子能参保吗', '--json', ...dirs], ['ask', '--json', ...dirs, '--', '-1岁的孩子能参保吗']]) {
      const r = await run(argv);
      expect(r.code, r.stderr).toBe(0);
      expect(AnswerSchema.parse(JSON.parse(r.stdout)).question).toBe('-1岁的孩子能参保吗');
    }
  });

  it('text from users reaches the terminal without its control characters (no escape sequences run)', async () => {
    const r = await run(['ask', '--corpus', corpus, '--index', index], { stdin: 'a\u001b]0;PWNED\u0007\u009b2Jb\n' });
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u009b]/u);
    expect(r.stdout).toContain('\\u001b]0;PWNED\\u0007');
  });

  it('an unknown command exits 2', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command');
  });

  it('an invalid environment exits 2 with a message', async () => {
    const r = await run(['ask', '城选计划是什么？', '--corpus', corpus, '--index', index], { env: { ...ENV, PUBLIC_BASE_URL: 'notaurl' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PUBLIC_BASE_URL');
    expect(r.stdout).toBe('');
  });

  it('the real executable answers with JSON', () => {
    const out = execFileSync(process.execPath, ['bin/policybot.js', 'ask', '--json', '城选计划是什么？', '--corpus', corpus, '--index', index], {
      cwd: REPO,
      env: { ...process.env, ...ENV, CORPUS_DIR: '', INDEX_DIR: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const a = AnswerSchema.parse(JSON.parse(out));
    expect(a.question).toBe('城选计划是什么？');
    expect(a.abstained).toBe(false);
    expect(a.answer).toContain('城选计划');
  }, 60_000);
});
