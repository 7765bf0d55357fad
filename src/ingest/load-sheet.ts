import type { LoadedSource } from '../types.ts';
import { UnreadableFile } from './problem.ts';
import { parseCsv, tableBlocks } from './table-rows.ts';

const MAX_ROWS = 20000;

function sheetSource(sheets: Array<{ name: string; rows: string[][] }>, format: string): LoadedSource {
  const blocks: string[] = [];
  const marked = new Map<string, number>();
  let title: string | null = null;
  const used = sheets.map((s) => ({ name: s.name, ...tableBlocks(s.rows) })).filter((s) => s.blocks.length);
  for (const s of used) {
    // One sheet: its caption is the title. Several: each sheet's name (or caption) heads its rows.
    if (used.length === 1) title = s.caption;
    else {
      const head = s.caption ?? s.name;
      blocks.push(head);
      marked.set(head, 1);
    }
    blocks.push(...s.blocks);
  }
  return { title, issuer: null, docNumber: null, date: null, sourceUrl: null, kind: 'policy', region: null, meta: { 格式: format }, blocks, markedHeadings: marked };
}

type CellValue = { text?: string } | null | undefined;

/** An .xlsx workbook: every visible sheet, a row per paragraph with its column headers. */
export async function loadXlsx(bytes: Buffer): Promise<LoadedSource> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new UnreadableFile('E_BAD_DOCUMENT', 'Excel 表格（.xlsx）损坏、加密或不完整，无法读取');
  }
  const sheets: Array<{ name: string; rows: string[][] }> = [];
  wb.eachSheet((ws) => {
    if (ws.state === 'hidden' || ws.state === 'veryHidden') return;
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      if (rows.length >= MAX_ROWS) return;
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) {
        const cell = row.getCell(c) as unknown as CellValue & { isMerged?: boolean; master?: { address: string }; address?: string };
        // A merged cell's text is shown once, in its first cell.
        if (cell?.isMerged && cell.master && cell.master.address !== cell.address) cells.push('');
        else cells.push(cell?.text ?? '');
      }
      rows.push(cells);
    });
    sheets.push({ name: ws.name, rows });
  });
  return sheetSource(sheets, 'Excel（.xlsx）');
}

/** A CSV table (decoded like any text file: UTF-8 or GBK). */
export function loadCsv(text: string, file: string): LoadedSource {
  const name = file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  return sheetSource([{ name, rows: parseCsv(text) }], 'CSV');
}
