import type { Answer } from '../answer/contract.ts';

/** Plain-text rendering of an answer for terminals (and, later, plain-text channels). */
export function renderAnswerText(a: Answer): string {
  const lines = [a.answer];
  if (a.citations.length) {
    lines.push('', '来源：');
    for (const c of a.citations) {
      const meta = [c.issuer, c.date, c.docNumber].filter(Boolean).join(' · ');
      lines.push(`[${c.n}] 《${c.title}》${meta ? ` ${meta}` : ''}`);
      lines.push(`    ${c.url}`);
    }
  }
  if (a.warnings.length) {
    lines.push('');
    for (const w of a.warnings) lines.push(`⚠ ${w.message}`);
  }
  return lines.join('\n');
}
