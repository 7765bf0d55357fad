import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import type { IngestProblem, PolicyDocument } from '../src/types.ts';
import { NOTICE_ISSUER, NOTICE_NUMBER, PDF_HEADER, writeAttachmentFixtures } from './helpers/attachments.ts';
import { testEngine, type TestEngine } from './helpers/engine.ts';
import { testServer, type TestServer } from './helpers/server.ts';
import { dropFurniture, isPageNumber, readingOrder, toParagraphs, type TextRun } from '../src/ingest/pdf-layout.ts';
import { mastheadIssuer } from '../src/ingest/load-pdf.ts';

/** 南通 documents generated with docx, pdf-lib and exceljs (test/helpers/attachments.ts): a 通知 page, its PDF, DOCX and XLSX attachments, and bad files. */
let dir: string;
let docs: PolicyDocument[];
let problems: IngestProblem[];
const byName = (part: string) => docs.find((d) => (part.startsWith('.') ? d.file.endsWith(part) : d.file.includes(part)))!;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pb-attach-'));
  await writeAttachmentFixtures(dir, { bad: true });
  fs.writeFileSync(
    path.join(dir, 'standards.csv'),
    '补贴项目,补贴标准,备注\n"求职创业补贴","每人2000元","一次性发放，""毕业年度""内申请"\n就业见习补贴,每人每月1500元,\n',
  );
  // An attachment elsewhere, tied to its page by a sidecar.
  fs.mkdirSync(path.join(dir, 'downloads'));
  fs.copyFileSync(path.join(dir, 'nantong-notice_files', '附件3_补贴标准.xlsx'), path.join(dir, 'downloads', 'biaozhun-copy.xlsx'));
  fs.writeFileSync(path.join(dir, 'downloads', 'biaozhun-copy.meta.yml'), 'parent: ../nantong-notice.html\n');
  ({ documents: docs, problems } = await loadCorpus(dir));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('PDF attachment', () => {
  it('reads both columns in order, without running headers, footers or page numbers', () => {
    const pdf = byName('.pdf');
    expect(pdf.title).toBe('南通市灵活就业人员社会保险补贴实施细则');
    const articles = pdf.paragraphs.filter((p) => /^第[一二三四五六]条/.test(p.text)).map((p) => p.text.slice(0, 3));
    expect(articles).toEqual(['第一条', '第二条', '第三条', '第四条', '第五条', '第六条']);
    const text = pdf.paragraphs.map((p) => p.text).join('\n');
    expect(text).not.toContain(PDF_HEADER);
    expect(text).not.toMatch(/-\s*\d\s*-/);
  });

  it('joins the lines of a paragraph without spaces between Chinese characters and keeps numbers whole', () => {
    const pdf = byName('.pdf');
    const second = pdf.paragraphs.find((p) => p.text.startsWith('第二条'))!;
    expect(second.text).toBe('第二条 本细则适用于在本市行政区域内以灵活方式就业并按规定缴纳社会保险费的就业困难人员和离校2年内未就业高校毕业生。');
    const third = pdf.paragraphs.find((p) => p.text.startsWith('第三条'))!;
    expect(third.text).toContain('每人每月300元');
    expect(third.headingPath).toEqual(['第二章 补贴标准']);
  });
});

describe('PDF layout rules', () => {
  /** A single-column page of 10.5 pt lines, 18 pt apart, each as one run; `indent` in characters. */
  const page = (lines: Array<{ text: string; indent?: number; size?: number }>) => {
    let y = 780;
    const runs: TextRun[] = lines.map((l) => {
      const size = l.size ?? 10.5;
      const run = { text: l.text, x: 72 + (l.indent ?? 0) * size, y, width: [...l.text].length * size, size };
      y -= size * 1.7;
      return run;
    });
    return { width: 595, height: 842, runs };
  };

  it('starts a paragraph at a first line indented two characters, and joins the lines under it', () => {
    // Full lines: 30 characters after a two-character indent.
    const body = '为进一步做好高校毕业生等青年就业创业工作，现就有关事项通知如下';
    const body2 = '各地要加强组织领导，压实工作责任，确保各项政策落到实处，让广大';
    expect([[...body].length, [...body2].length]).toEqual([31, 31]);
    const p = page([
      { text: body, indent: 2 },
      { text: '，请结合实际认真贯彻落实。' },
      { text: body2, indent: 2 },
      { text: '群众应享尽享。' },
    ]);
    const lines = dropFurniture([{ lines: readingOrder(p, 1), height: p.height }]);
    expect(toParagraphs(lines)).toEqual([`${body}，请结合实际认真贯彻落实。`, `${body2}群众应享尽享。`]);
  });

  it('takes the masthead (版头) as the issuer, and knows page numbers', () => {
    const p = page([{ text: '南通市人力资源和社会保障局文件', size: 26 }, { text: '通人社规〔2025〕7号' }]);
    expect(mastheadIssuer(readingOrder(p, 1))).toBe('南通市人力资源和社会保障局');
    for (const n of ['- 3 -', '—3—', '第3页', '第 3 页 共 12 页', '3/12', '12']) expect(isPageNumber(n)).toBe(true);
    for (const t of ['第三条', '2025年', '3. 申请材料']) expect(isPageNumber(t)).toBe(false);
  });
});

describe('Word and spreadsheet attachments', () => {
  it('keeps a DOCX title, headings, numbered list and table rows with their column headers', () => {
    const docx = byName('.docx');
    expect(docx.title).toBe('灵活就业人员社会保险补贴申请材料清单');
    const item = docx.paragraphs.find((p) => p.text.includes('本人身份证'))!;
    expect(item.text).toBe('1. 本人身份证原件及复印件');
    expect(item.isHeading).toBe(false);
    expect(item.headingPath).toEqual(['一、申请材料']);
    const row = docx.paragraphs.find((p) => p.text.includes('每人每月200元'))!;
    expect(row.text).toBe('补贴项目：高校毕业生灵活就业社会保险补贴；补贴对象：离校2年内未就业高校毕业生；补贴标准：每人每月200元');
    expect(row.headingPath).toEqual(['二、补贴标准']);
  });

  it('reads an old Word .doc: its text with Chinese quotes, and table rows with their column headers', () => {
    const doc = byName('.doc');
    expect(doc.title).toBe('南通市灵活就业人员社会保险补贴申报流程');
    expect(doc.paragraphs.map((p) => p.text)).toEqual([
      '一、网上申报',
      '申请人登录江苏智慧人社网上办事大厅，选择“灵活就业人员社会保险补贴申领”，上传材料后提交。',
      '环节：街道初审；办理时限：5个工作日',
      '环节：区人社局复核；办理时限：10个工作日',
    ]);
    expect(doc.attachmentOf).toBe(byName('nantong-notice.html').docId);
  });

  it('turns XLSX and CSV rows into paragraphs that keep their column headers', () => {
    const xlsx = byName('附件3');
    expect(xlsx.title).toBe('南通市就业创业补贴标准一览表');
    expect(xlsx.paragraphs.map((p) => p.text)).toContain('补贴项目：一次性创业补贴；补贴标准：5000元；申请条件：首次创办小微企业或个体工商户，正常经营6个月以上；经办机构：区人力资源和社会保障局');
    const csv = byName('standards.csv');
    expect(csv.paragraphs.map((p) => p.text)).toEqual(['补贴项目：求职创业补贴；补贴标准：每人2000元；备注：一次性发放，"毕业年度"内申请', '补贴项目：就业见习补贴；补贴标准：每人每月1500元']);
  });
});

describe('a page and its attachments', () => {
  it('links attachments to their 通知 page by folder and by sidecar; they inherit issuer, 文号, date and region', () => {
    const notice = byName('nantong-notice.html');
    const attached = ['附件1', '附件2', '附件3', '附件4', 'biaozhun-copy'].map(byName);
    for (const a of attached) {
      expect(a.attachmentOf).toBe(notice.docId);
      expect(a.issuer).toBe(NOTICE_ISSUER);
      expect(a.docNumber).toBe(NOTICE_NUMBER);
      expect(a.date).toBe('2025-03-18');
      expect(a.region).toBe('南通市');
    }
    expect(notice.attachments).toEqual(expect.arrayContaining(attached.map((a) => a.docId)));
    // The folder's files in their order: 附件1 … 附件4.
    const inFolder = notice.attachments!.filter((id) => attached.slice(0, 4).some((a) => a.docId === id));
    expect(inFolder).toEqual(attached.slice(0, 4).map((a) => a.docId));
  });

  it('reports bad files by name with the reason and still ingests the rest', () => {
    const reason = new Map(problems.map((p) => [p.file, p]));
    expect(reason.get('scan.pdf')).toMatchObject({ code: 'E_SCANNED', reason: expect.stringContaining('扫描件，无文字层（需要 OCR）') });
    expect(reason.get('locked.pdf')).toMatchObject({ code: 'E_ENCRYPTED', reason: expect.stringContaining('加密') });
    expect(reason.get('error-page.pdf')).toMatchObject({ code: 'E_MISLABELLED', reason: expect.stringMatching(/\.pdf.*HTML/) });
    expect(reason.get('truncated.pdf')).toMatchObject({ code: 'E_BAD_DOCUMENT', reason: expect.stringContaining('损坏') });
    expect(reason.get('broken.docx')).toMatchObject({ code: 'E_BAD_DOCUMENT' });
    expect(docs.map((d) => d.file).sort()).toHaveLength(7);
    expect(docs.some((d) => d.file === 'scan.pdf' || d.paragraphs.length === 0)).toBe(false);
  });
});

describe('attachments answer questions, feed the measures catalog and open in the viewer', () => {
  let t: TestEngine;
  let srv: TestServer;
  beforeAll(async () => {
    t = await testEngine({}, { prepare: async (corpus) => void (await writeAttachmentFixtures(path.join(corpus, 'nantong'))) });
    srv = await testServer(t);
  }, 120_000);
  afterAll(async () => {
    await srv?.close();
    t?.cleanup();
  });

  const cites = async (q: string) => {
    const a = await t.engine.ask(q);
    expect(a.abstained).toBe(false);
    return a;
  };

  it('cites the PDF article, the DOCX list and the XLSX row with paragraph links', async () => {
    const pdf = t.engine.documents.find((d) => d.file.endsWith('.pdf') && d.file.startsWith('nantong/'))!;
    const amount = await cites('南通灵活就业社保补贴每个月补多少钱');
    expect(amount.answer).toContain('300元');
    const c = amount.citations.find((x) => x.docId === pdf.docId)!;
    expect(c.label).toBe('第三条');
    expect(c.url).toMatch(new RegExp(`/docs/${pdf.docId}#p\\d+$`));

    const materials = await cites('南通申请灵活就业社保补贴要带什么材料');
    expect(materials.answer.split('。')[0]).toContain('本人身份证原件及复印件');
    expect(materials.citations[0]!.title).toBe('灵活就业人员社会保险补贴申请材料清单');

    const startup = await cites('在南通开店有一次性创业补贴吗，能给多少钱');
    expect(startup.answer).toContain('5000元');
    expect(startup.citations[0]!.title).toBe('南通市就业创业补贴标准一览表');
  });

  it('lists measures from the DOCX table and the XLSX rows with their amounts', () => {
    const nantong = t.engine.measures.filter((m) => m.region === '南通市');
    const amountOf = (name: string) => nantong.find((m) => m.name === name)?.amounts.map((a) => a.text).join(' ');
    expect(amountOf('一次性创业补贴')).toContain('5000元');
    expect(amountOf('一次性吸纳就业补贴')).toContain('1500元');
    expect(amountOf('高校毕业生灵活就业社会保险补贴')).toContain('200元');
  });

  it('shows the link between a page and its attachments, and serves the original file as a download', async () => {
    const pdf = t.engine.documents.find((d) => d.file.endsWith('.pdf') && d.file.startsWith('nantong/'))!;
    const notice = t.engine.document(pdf.attachmentOf!)!;
    const viewer = await (await fetch(`${srv.base}/docs/${pdf.docId}`)).text();
    expect(viewer).toContain(`href="${notice.docId}"`);
    expect(viewer).toContain('的附件');
    expect(viewer).toMatch(/id="p\d+"[^>]*>.*第三条/);
    const page = await (await fetch(`${srv.base}/docs/${notice.docId}`)).text();
    expect(page).toContain('附件：');
    for (const id of notice.attachments!) expect(page).toContain(`href="${id}"`);

    const res = await fetch(`${srv.base}/docs/${pdf.docId}/original`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;.*filename\*=UTF-8''/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(t.config.corpusDir, pdf.file)))).toBe(true);
    // The page's own HTML is served as text, never rendered on this site.
    const html = await fetch(`${srv.base}/docs/${notice.docId}/original`);
    expect(html.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await fetch(`${srv.base}/docs/no-such-doc/original`)).status).toBe(404);
  });
});
