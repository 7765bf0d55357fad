import type { PolicyDocument } from '../types.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import { metaFieldAsked, type MetaField } from '../understand/meta-ask.ts';

/**
 * Questions about a document's particulars — its 发文字号, who issued it, when — are answered
 * from the document's metadata (the 发文机关/发文字号/成文日期 table, page meta tags, sidecars),
 * which is often not in any paragraph. The sentence names the field, and the citation is the
 * document's best-matching passage.
 */
export { metaFieldAsked, type MetaField };

const LABEL: Record<MetaField, string> = { docNumber: '发文字号', issuer: '发文机关', date: '发布日期' };

/** 「《城阳区…实施意见》的发文字号：青城政办发〔2024〕13号」, or null when the document does not say. */
export function metaSentence(doc: PolicyDocument, field: MetaField): string | null {
  const value = doc[field];
  return value ? `《${doc.title}》的${LABEL[field]}：${value}` : null;
}

/** Of the passages, the first of the best passage's document that states the field's value (「发文字号：…」). */
export function metaSource<P extends { doc: PolicyDocument; textNorm: string }>(passages: readonly P[], field: MetaField): P | null {
  const doc = passages[0]?.doc;
  const value = doc?.[field];
  if (!doc || !value) return null;
  const norm = normalizeForMatch(value);
  return passages.find((p) => p.doc.docId === doc.docId && p.textNorm.includes(norm)) ?? null;
}
