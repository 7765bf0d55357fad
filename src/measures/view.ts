import { related, requirePlace } from '../text/gazetteer.ts';
import { describeWindow } from './groups.ts';
import type { Measure } from './types.ts';

/** Filtering and plain-text rendering of the catalog, shared by the CLI and the HTTP route. */

/**
 * Measures that concern `region`, with nesting both ways: a 广东省 measure applies in 广州市, and a
 * 广州市 measure is listed for 广东省; a 城阳区 measure is not listed for 市北区. Measures whose
 * document has no region are kept (nothing says they do not apply).
 */
export function measuresForRegion(measures: readonly Measure[], region: string | null): Measure[] {
  if (!region) return [...measures];
  const place = requirePlace(region);
  return measures.filter((m) => !m.region || related(m.region, place));
}

export const KIND_LABEL: Record<Measure['kind'], string> = {
  cash_subsidy: '补贴',
  loan: '贷款/贴息',
  insurance: '保险',
  service: '服务',
  job: '岗位',
  tax: '税收优惠',
  recruitment: '招聘',
};

export function groupsText(m: Measure): string {
  const windows = m.conditions.flatMap((c) => (c.type === 'group' ? (c.graduateWindows ?? (c.graduateWindow ? [c.graduateWindow] : [])) : []));
  const uniq = [...new Set(windows.map(describeWindow))];
  return m.groups.map((g) => (g === '高校毕业生' && uniq.length ? `高校毕业生（${uniq.join('或')}）` : g)).join('、');
}

export function renderMeasuresText(measures: readonly Measure[]): string {
  if (measures.length === 0) return '没有找到符合条件的政策措施。';
  const lines: string[] = [];
  const byDoc = new Map<string, Measure[]>();
  for (const m of measures) byDoc.set(m.docId, [...(byDoc.get(m.docId) ?? []), m]);
  for (const ms of byDoc.values()) {
    const d = ms[0]!;
    lines.push(`《${d.docTitle}》 ${[d.issuer, d.docDate, d.docNumber, d.region].filter(Boolean).join(' · ')}`);
    for (const m of ms) {
      lines.push(`  • ${m.name}（${m.recipient === 'employer' ? '单位' : '个人'}申领 · ${KIND_LABEL[m.kind]}）`);
      if (m.amounts.length) lines.push(`    金额：${m.amounts.map((a) => a.text).join('；')}`);
      if (m.groups.length) lines.push(`    对象：${groupsText(m)}`);
      if (m.duration) lines.push(`    期限：${m.duration.text}`);
      if (m.validUntil) lines.push(`    有效期至：${m.validUntil}`);
      lines.push(`    原文：${m.url}`);
    }
    lines.push('');
  }
  lines.push(`共 ${measures.length} 项措施，来自 ${byDoc.size} 份文件。金额和条件以原文为准。`);
  return lines.join('\n');
}

/** Filters of the measures page and API: words in the name or source, a target group, a kind, only those in force. */
export interface MeasureFilter {
  q?: string | null;
  group?: string | null;
  kind?: Measure['kind'] | null;
  active?: boolean;
  today?: string;
}

export function filterMeasures(measures: readonly Measure[], f: MeasureFilter): Measure[] {
  const words = (f.q ?? '').trim().split(/\s+/u).filter(Boolean);
  return measures.filter(
    (m) =>
      words.every((w) => m.name.includes(w) || m.sourceText.includes(w) || m.docTitle.includes(w)) &&
      (!f.group || m.groups.includes(f.group as never)) &&
      (!f.kind || m.kind === f.kind) &&
      (!f.active || !f.today || m.validUntil === null || m.validUntil >= f.today),
  );
}
