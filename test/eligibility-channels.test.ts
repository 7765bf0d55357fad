import { describe, expect, it } from 'vitest';
import { toTelegramMessages } from '../bots/telegram/render.ts';
import { renderPlain } from '../src/chat/format.ts';
import type { ChatReply } from '../src/chat/types.ts';
import { checkCards, renderCheckText } from '../src/eligibility/render.ts';
import type { CheckResult } from '../src/eligibility/check.ts';
import type { MeasureResult } from '../src/eligibility/evaluate.ts';

/**
 * /check results on each channel (issue 13, point 5): the link under each item is a real link — an HTML
 * link on Telegram, a short numbered marker with the addresses at the end on WeChat, a card link on the web.
 */
const result = (name: string, status: MeasureResult['status'], url: string, extra: Partial<MeasureResult> = {}): MeasureResult => ({
  measureId: name,
  name,
  status,
  amount: '每人每月最高300元',
  region: '昆明市',
  docId: 'd',
  paragraphId: 'p3',
  url,
  conditions: [{ text: status === 'eligible' ? '离校2年内未就业高校毕业生' : '以灵活就业人员身份缴纳…满3个月', status: status === 'eligible' ? 'met' : 'unknown', url }],
  ...extra,
});
const check: CheckResult = {
  results: [
    result('灵活就业社会保险补贴', 'eligible', 'http://localhost:8080/docs/kunming#p3', { parts: { materials: '身份证、社会保障卡', process: '通过“云南人社”APP申请' } }),
    result('一次性创业补贴', 'unknown', 'http://localhost:8080/docs/kunming#p14?a=1&b=2'),
  ],
  nextQuestion: null,
};
const reply: ChatReply = { kind: 'command', text: renderCheckText(check), answer: null, citations: [], warnings: [], buttons: [], answerId: null };

describe('/check results on each channel', () => {
  it('each item is one line with its amount and the condition that decides it', () => {
    const text = renderCheckText(check);
    expect(text).toMatch(/^• 灵活就业社会保险补贴（昆明市）：每人每月最高300元 · 条件：「离校2年内未就业高校毕业生」— 符合$/mu);
    expect(text).toMatch(/^• 一次性创业补贴（昆明市）：每人每月最高300元 · 条件：「以灵活就业人员身份缴纳…满3个月」— 待确认$/mu);
  });

  it('Telegram: each item’s link is an HTML link 「查看原文」, not a bare address', () => {
    const html = toTelegramMessages(reply).map((m) => m.html).join('\n');
    expect(html).toContain('<a href="http://localhost:8080/docs/kunming#p3">查看原文</a>');
    // The address stays escaped inside the attribute.
    expect(html).toContain('<a href="http://localhost:8080/docs/kunming#p14?a=1&amp;b=2">查看原文</a>');
    expect(html).not.toMatch(/^\s*https?:\/\//mu);
    // What to bring and where to apply, for what one can apply for.
    expect(html).toContain('材料：身份证、社会保障卡');
  });

  it('WeChat: short numbered markers on the items and the addresses once at the end', () => {
    const text = renderPlain(reply).join('\n');
    expect(text).toMatch(/灵活就业社会保险补贴[\s\S]*〔1〕/u);
    expect(text).toMatch(/链接：\n〔1〕http:\/\/localhost:8080\/docs\/kunming#p3\n〔2〕/u);
  });

  it('web: a card per item with its amount, the deciding condition, the link and, when one can apply, materials and where', () => {
    const cards = checkCards(check, { facts: '根据您说的：在昆明市、灵活就业' });
    expect(cards.facts).toContain('根据您说的');
    const [eligible, unknown] = cards.groups;
    expect(eligible!.title).toBe('可以申请');
    expect(eligible!.items[0]).toMatchObject({ amount: '每人每月最高300元', url: 'http://localhost:8080/docs/kunming#p3', materials: '身份证、社会保障卡' });
    expect(unknown!.items[0]!.condition).toMatchObject({ status: 'unknown' });
    expect(unknown!.items[0]).not.toHaveProperty('materials');
  });
});
