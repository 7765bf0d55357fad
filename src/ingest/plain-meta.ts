import type { DocKind, LoadedSource } from '../types.ts';
import { toIsoDate } from '../text/dates.ts';
import { leadingDocNumber } from './html-meta.ts';
import { extractMetaTable, tableDate, tableDocNumber, tableIssuer } from './meta-table.ts';

/**
 * Metadata a plain text states in its first lines, for formats without markup for it (PDF, Word,
 * the text of a page): a 发文机关/发文字号 table, 「发布单位：…」「更新日期：…」 labels, a 文号 line.
 */
const ISSUER_LABEL = /(?:发布单位|发布机构|发文单位|发文机关|来源单位|信息来源)[:：]\s*([^\s|，,；;]{2,40})/u;
const DATE_LABEL = /(?:发布日期|发布时间|成文日期|印发日期|更新日期|更新时间)[:：]\s*(\d{4}[-年./]\d{1,2}(?:月(?:\d{1,2}日?)?|[-./]\d{1,2})?)/u;

/** 「发布单位：杭州市人力资源和社会保障局 更新日期：2025年4月」 in the first lines of a text. */
export function labelledMeta(lines: string[], source: LoadedSource): void {
  for (const line of lines.slice(0, 6)) {
    source.issuer ??= ISSUER_LABEL.exec(line)?.[1] ?? null;
    const d = DATE_LABEL.exec(line)?.[1];
    if (d) source.date ??= toIsoDate(d);
  }
}


/** A LoadedSource from text blocks in reading order, with what their first lines state. */
export function plainSource(blocks: string[], init: { title?: string | null; kind?: DocKind | null; meta?: Record<string, string> } = {}): LoadedSource {
  const table = extractMetaTable(blocks);
  const source: LoadedSource = {
    title: init.title ?? null,
    issuer: tableIssuer(table.fields),
    docNumber: tableDocNumber(table.fields),
    date: toIsoDate(tableDate(table.fields)),
    sourceUrl: null,
    kind: init.kind ?? null,
    region: null,
    meta: { ...(init.meta ?? {}) },
    blocks: [...table.rows, ...table.rest],
  };
  for (const [k, v] of Object.entries(table.fields)) if (v) source.meta[k] = v;
  source.docNumber ??= leadingDocNumber(table.rest);
  labelledMeta(table.rest, source);
  return source;
}
