import { RELATED_HEADING, type Answer, type Citation } from '../answer/contract.ts';

/** Plain-text rendering of an answer for terminals. */
export function renderAnswerText(a: Answer): string {
  const lines: string[] = [];
  if (a.understood) lines.push(`🔎 按${a.understood}查找`, '');
  lines.push(a.answer);
  const list = (heading: string, cs: readonly Citation[]) => {
    lines.push('', heading);
    for (const c of cs) {
      const meta = [c.issuer, c.date, c.docNumber].filter(Boolean).join(' · ');
      lines.push(`[${c.n}] 《${c.title}》${c.label ? ` ${c.label}` : ''}${meta ? ` — ${meta}` : ''}`);
      lines.push(`    ${c.url}`);
    }
  };
  if (a.citations.length) list('来源：', a.citations);
  if (a.related.length) list(`${RELATED_HEADING}：`, a.related);
  if (a.warnings.length) {
    lines.push('');
    for (const w of a.warnings) lines.push(`⚠ ${w.message}`);
  }
  return lines.join('\n');
}
