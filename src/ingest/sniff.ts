/** What a file's first bytes say it is, whatever its name says. */
export type Sniffed = 'pdf' | 'zip' | 'ole' | 'html' | 'text' | 'binary';

export function sniff(bytes: Uint8Array): Sniffed {
  const head = Buffer.from(bytes.subarray(0, 1024));
  if (head.indexOf('%PDF-') >= 0 && head.indexOf('%PDF-') < 1024) return 'pdf';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'ole';
  const text = head.toString('latin1').replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart().toLowerCase();
  if (/^(?:<!doctype html|<html|<head|<body|<\?xml[^>]*>\s*<html)/.test(text)) return 'html';
  let control = 0;
  for (const b of head) if (b === 0 || (b < 9 && b !== 0)) control++;
  return control ? 'binary' : 'text';
}

/** How a person names what the bytes are, for 「扩展名是 .pdf，但内容是…」. */
export const SNIFFED_NAMES: Record<Sniffed, string> = {
  pdf: 'PDF',
  zip: 'ZIP 压缩包（Office 文档）',
  ole: '旧版 Office 文档（.doc/.xls）',
  html: 'HTML 网页（可能是下载失败时保存的错误页）',
  text: '纯文本',
  binary: '无法识别的二进制数据',
};
