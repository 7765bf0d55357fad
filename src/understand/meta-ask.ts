/**
 * Whether a question asks about a document's particulars — its 发文字号, who issued it, when — which
 * are answered from the document's metadata (answer/metadata.ts), not by a kind of passage.
 */
export type MetaField = 'docNumber' | 'issuer' | 'date';

const ASKS: Array<[MetaField, RegExp]> = [
  ['docNumber', /文号|发文字号|文件编号|文件号/],
  ['issuer', /哪个部门发|哪个单位发|谁发的|谁发布|发文机关|发文单位|发布单位|哪个部门出台|谁出台/],
  // 「什么时候发的」 asks when a document came out; 「钱每个月什么时候发」 when a benefit is paid.
  ['date', /(?:什么时候|哪天)(?:发(?:的|布|文)|出台|印发|公布)|发布(?:日期|时间)|成文日期|印发(?:日期|时间)/],
];

export function metaFieldAsked(norm: string): MetaField | null {
  for (const [field, re] of ASKS) if (re.test(norm)) return field;
  return null;
}
