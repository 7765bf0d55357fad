import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { AlignmentType, Document, HeadingLevel, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import ExcelJS from 'exceljs';
import CFB from 'cfb';

/**
 * Policy attachments generated with libraries, as operators download them: a 通知 page that links
 * its attachments, a two-column PDF with running headers, footers and 第X条, a DOCX with headings,
 * a numbered list and a table, an XLSX of subsidy standards, and bad files (a scan without a text
 * layer, an encrypted PDF, an HTML error page saved as .pdf, a truncated PDF). The documents are
 * invented test samples (南通市, a real city the bundled corpus has no document of).
 */

/** A CJK TrueType font from Debian (fonts-droid-fallback, installed by .ci/run). */
export const CJK_FONT = '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf';

export const NOTICE_TITLE = '关于印发《南通市灵活就业人员社会保险补贴实施细则》的通知';
export const NOTICE_NUMBER = '通人社规〔2025〕7号';
export const NOTICE_ISSUER = '南通市人力资源和社会保障局';

const NOTICE_HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${NOTICE_TITLE}_南通市人力资源和社会保障局</title></head>
<body><div class="article-content">
<h1>${NOTICE_TITLE}</h1>
<table><tr><td>发文机关</td><td>${NOTICE_ISSUER}</td><td>发文字号</td><td>${NOTICE_NUMBER}</td></tr>
<tr><td>成文日期</td><td>2025年3月18日</td><td>发布日期</td><td>2025年3月20日</td></tr></table>
<p>各县（市、区）人力资源和社会保障局：</p>
<p>现将《南通市灵活就业人员社会保险补贴实施细则》印发给你们，请认真贯彻执行。</p>
<p>附件：</p>
<p><a href="/attach/2025/shishi.pdf">1. 南通市灵活就业人员社会保险补贴实施细则.pdf</a></p>
<p><a href="/attach/2025/cailiao.docx">2. 申请材料清单.docx</a></p>
<p><a href="/attach/2025/biaozhun.xlsx">3. 补贴标准.xlsx</a></p>
<p>南通市人力资源和社会保障局</p>
<p>2025年3月18日</p>
</div></body></html>`;

/** Running header and footer of every PDF page; the reader must drop them. */
export const PDF_HEADER = '南通市人力资源和社会保障局文件';

const LEFT_COLUMN = [
  '第一章 总则',
  '第一条 为做好灵活就业人员社会保险补贴工作，根据有关规定，结合本市实际，制定本细则。',
  '第二条 本细则适用于在本市行政区域内以灵活方式就业并按规定缴纳社会保险费的就业困难人员和离校2年内未就业高校毕业生。',
  '第二章 补贴标准',
  '第三条 灵活就业社会保险补贴标准为每人每月300元，补贴期限最长不超过36个月。',
];
const RIGHT_COLUMN = [
  '第四条 离校2年内未就业高校毕业生灵活就业的，补贴期限最长不超过24个月。',
  '第三章 申请程序',
  '第五条 申请人应当于每季度结束后15个工作日内，向户籍所在地街道（乡镇）公共就业服务机构提出申请。',
  '第六条 本细则自2025年4月1日起施行，有效期至2027年12月31日。',
];

/** The CJK font for Chinese, a Latin one for digits and letters (the fallback font has no digits). */
interface Fonts {
  cjk: PDFFont;
  latin: PDFFont;
}

const runs = (text: string) => text.match(/[\x20-\x7e]+|[^\x20-\x7e]+/g) ?? [];
const fontOf = (run: string, f: Fonts) => (/^[\x20-\x7e]/.test(run) ? f.latin : f.cjk);
const widthOf = (text: string, f: Fonts, size: number) => runs(text).reduce((w, r) => w + fontOf(r, f).widthOfTextAtSize(r, size), 0);

/** Draws mixed Chinese and Latin text run by run, as word processors do. */
function draw(page: PDFPage, text: string, x: number, y: number, size: number, f: Fonts): void {
  for (const r of runs(text)) {
    page.drawText(r, { x, y, size, font: fontOf(r, f), color: rgb(0, 0, 0) });
    x += fontOf(r, f).widthOfTextAtSize(r, size);
  }
}

/** Breaks text into lines of at most `width` points, character by character (Chinese has no spaces). */
function wrap(text: string, font: Fonts, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line && widthOf(line + ch, font, size) > width) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

function drawColumn(page: PDFPage, font: Fonts, paragraphs: string[], x: number, top: number, width: number): void {
  let y = top;
  for (const p of paragraphs) {
    const heading = /^第[一二三四五六七八九十]+章/.test(p);
    const size = heading ? 12 : 10.5;
    for (const line of wrap(p, font, size, width)) {
      draw(page, line, x, y, size, font);
      y -= size * 1.6;
    }
    y -= 6;
  }
}

async function twoColumnPdf(fontBytes: Buffer): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font: Fonts = { cjk: await pdf.embedFont(fontBytes, { subset: true }), latin: await pdf.embedFont(StandardFonts.Helvetica) };
  pdf.setTitle('南通市灵活就业人员社会保险补贴实施细则');
  const columns: Array<[string[], string[]]> = [
    [LEFT_COLUMN.slice(0, 3), LEFT_COLUMN.slice(3)],
    [RIGHT_COLUMN.slice(0, 2), RIGHT_COLUMN.slice(2)],
  ];
  columns.forEach(([left, right], i) => {
    const page = pdf.addPage([595, 842]);
    draw(page, PDF_HEADER, 200, 800, 9, font);
    if (i === 0) draw(page, '南通市灵活就业人员社会保险补贴实施细则', 110, 760, 18, font);
    const top = i === 0 ? 720 : 770;
    drawColumn(page, font, left, 50, top, 230);
    drawColumn(page, font, right, 315, top, 230);
    draw(page, `- ${i + 1} -`, 285, 40, 9, font);
  });
  return pdf.save();
}

async function scannedPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  // What a scan looks like to a text extractor: marks on the page, no text.
  for (let i = 0; i < 30; i++) page.drawRectangle({ x: 60, y: 760 - i * 22, width: 300 + (i % 5) * 30, height: 8, color: rgb(0.2, 0.2, 0.2) });
  return pdf.save();
}

/** A PDF whose content is protected by the standard security handler with a user password. */
function encryptedPdf(): Buffer {
  const hex = (n: number) => 'ab'.repeat(n);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${hex(32)}> /U <${'cd'.repeat(32)}> /P -44 >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

async function materialsDocx(): Promise<Buffer> {
  const doc = new Document({
    numbering: {
      config: [{ reference: 'materials', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }] }],
    },
    sections: [
      {
        children: [
          new Paragraph({ text: '灵活就业人员社会保险补贴申请材料清单', heading: HeadingLevel.TITLE }),
          new Paragraph({ text: '一、申请材料', heading: HeadingLevel.HEADING_1 }),
          ...['本人身份证原件及复印件', '《灵活就业人员社会保险补贴申请表》', '社会保险费缴费凭证', '就业困难人员认定证明或毕业证书'].map(
            (t) => new Paragraph({ text: t, numbering: { reference: 'materials', level: 0 } }),
          ),
          new Paragraph({ text: '二、补贴标准', heading: HeadingLevel.HEADING_1 }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              ['补贴项目', '补贴对象', '补贴标准'],
              ['灵活就业社会保险补贴', '就业困难人员', '每人每月300元'],
              ['高校毕业生灵活就业社会保险补贴', '离校2年内未就业高校毕业生', '每人每月200元'],
            ].map((cells) => new TableRow({ children: cells.map((c) => new TableCell({ children: [new Paragraph({ children: [new TextRun(c)] })] })) })),
          }),
          new Paragraph({ text: '三、办理地点', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: '申请人到户籍所在地街道（乡镇）公共就业服务机构办理，咨询电话0513-85098765。' }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

async function standardsXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('补贴标准');
  ws.addRow(['南通市就业创业补贴标准一览表']);
  ws.mergeCells('A1:D1');
  ws.addRow(['补贴项目', '补贴标准', '申请条件', '经办机构']);
  ws.addRow(['一次性创业补贴', '5000元', '首次创办小微企业或个体工商户，正常经营6个月以上', '区人力资源和社会保障局']);
  ws.addRow(['创业场地租金补贴', '每年最高6000元', '租用经营场地创业且正常经营', '区人力资源和社会保障局']);
  ws.addRow(['一次性吸纳就业补贴', '每人1500元', '招用离校2年内未就业高校毕业生，签订1年以上劳动合同', '市公共就业服务中心']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A Word 97–2003 file: an OLE compound file with a WordDocument stream (a FIB and the text as
 * UTF-16) and a 1Table stream holding the piece table, the parts a reader needs. Paragraphs end
 * with \r; table cells with \x07 (a row's end too).
 */
export function wordDoc(paragraphs: Array<string | string[][]>): Buffer {
  const text =
    paragraphs.map((p) => (typeof p === 'string' ? `${p}\r` : p.map((row) => row.map((c) => `${c}\u0007`).join('') + '\u0007').join(''))).join('') + '\r';
  const TEXT_AT = 0x800;
  const chars = Buffer.from(text, 'utf16le');
  const word = Buffer.alloc(TEXT_AT + chars.length);
  word.writeUInt16LE(0xa5ec, 0); // wIdent
  word.writeUInt16LE(0x00c1, 2); // nFib (Word 97)
  word.writeUInt16LE(0x0200, 0xa); // fWhichTblStm: the piece table is in 1Table
  word.writeUInt32LE(TEXT_AT, 0x18); // fcMin
  word.writeUInt32LE(TEXT_AT + chars.length, 0x1c); // fcMac
  word.writeUInt32LE(text.length, 0x4c); // ccpText
  chars.copy(word, TEXT_AT);
  // Clx: one Pcdt holding a PlcPcd of one piece (CPs 0 and n, then a PCD whose fc is the text's offset, uncompressed).
  const plc = Buffer.alloc(8 + 8);
  plc.writeUInt32LE(0, 0);
  plc.writeUInt32LE(text.length, 4);
  plc.writeUInt32LE(TEXT_AT, 8 + 2);
  const clx = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(4), plc]);
  clx.writeUInt32LE(plc.length, 1);
  word.writeUInt32LE(0, 0x1a2); // fcClx
  word.writeUInt32LE(clx.length, 0x1a6); // lcbClx
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/WordDocument', word);
  CFB.utils.cfb_add(cfb, '/1Table', clx);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

export interface AttachmentFixtures {
  dir: string;
  notice: string;
  pdf: string;
  docx: string;
  xlsx: string;
  doc: string;
}

/**
 * Writes the page and its attachments into `dir`: the attachments in `<page>_files/` (the folder a
 * browser saves a page's files into), the bad files beside them.
 */
export async function writeAttachmentFixtures(dir: string, opts: { bad?: boolean } = {}): Promise<AttachmentFixtures> {
  const files = path.join(dir, 'nantong-notice_files');
  fs.mkdirSync(files, { recursive: true });
  const notice = path.join(dir, 'nantong-notice.html');
  fs.writeFileSync(notice, NOTICE_HTML);
  if (!fs.existsSync(CJK_FONT)) throw new Error(`the PDF fixtures need a CJK font: ${CJK_FONT} (apt-get install fonts-droid-fallback; .ci/run installs it)`);
  const font = fs.readFileSync(CJK_FONT);
  const pdf = path.join(files, '附件1 南通市灵活就业人员社会保险补贴实施细则.pdf');
  fs.writeFileSync(pdf, await twoColumnPdf(font));
  const docx = path.join(files, '附件2-申请材料清单.docx');
  fs.writeFileSync(docx, await materialsDocx());
  const xlsx = path.join(files, '附件3_补贴标准.xlsx');
  fs.writeFileSync(xlsx, await standardsXlsx());
  const doc = path.join(files, '附件4 申报流程.doc');
  fs.writeFileSync(
    doc,
    wordDoc([
      '南通市灵活就业人员社会保险补贴申报流程',
      '一、网上申报',
      '申请人登录江苏智慧人社网上办事大厅，选择“灵活就业人员社会保险补贴申领”，上传材料后提交。',
      [
        ['环节', '办理时限'],
        ['街道初审', '5个工作日'],
        ['区人社局复核', '10个工作日'],
      ],
    ]),
  );
  if (opts.bad) {
    fs.writeFileSync(path.join(dir, 'scan.pdf'), await scannedPdf());
    fs.writeFileSync(path.join(dir, 'locked.pdf'), encryptedPdf());
    fs.writeFileSync(path.join(dir, 'error-page.pdf'), '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>404</h1></body></html>');
    const whole = fs.readFileSync(pdf);
    fs.writeFileSync(path.join(dir, 'truncated.pdf'), whole.subarray(0, Math.floor(whole.length / 3)));
    fs.writeFileSync(path.join(dir, 'broken.docx'), Buffer.from('PK\u0003\u0004 not really a zip', 'latin1'));
  }
  return { dir, notice, pdf, docx, xlsx, doc };
}
