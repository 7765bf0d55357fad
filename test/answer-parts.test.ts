import { describe, expect, it } from 'vitest';
import { combineParts, type ComposedPart } from '../src/answer/parts.ts';
import type { Citation } from '../src/answer/contract.ts';
import type { Passage } from '../src/retrieve/hybrid.ts';

/** A message's parts: two asks answered by the very same sentences are shown as one (「去哪办？电话多少？」). */
const citation = (paragraphId: string, text: string): Citation => ({
  n: 1,
  docId: 'sy',
  title: '关于做好2025年失业保险待遇发放工作的通知',
  paragraphId,
  text,
  url: `http://localhost:3000/docs/sy#${paragraphId}`,
  sourceUrl: null,
  date: '2025-03-01',
  issuer: '沈阳市人力资源和社会保障局',
  region: '沈阳市',
  docNumber: null,
  kind: 'policy',
  headingPath: ['三、办理流程'],
  label: '三、办理流程',
});
const passage = (text: string) => ({ doc: { docId: 'sy', kind: 'policy', date: '2025-03-01', title: 't', validUntil: null }, paragraph: { text } }) as unknown as Passage;
const part = (question: string, answer: string, paragraphId: string, text: string): ComposedPart => ({
  question,
  abstained: false,
  answer,
  reason: null,
  cited: [{ citation: citation(paragraphId, text), passage: passage(text) }],
  related: [],
  places: ['沈阳市'],
});
const OPTS = { baseUrl: 'http://localhost:3000', today: new Date('2026-06-01'), latinOnly: false };

describe('the parts of a message with several asks', () => {
  it('two asks answered by the same sentences become one part that names both questions', () => {
    const text = '（二）线下办理。市失业保险事业服务中心地址：沈阳市和平区北五马路36号，咨询电话：024-22871234。';
    const a = combineParts(
      '沈阳失业金去哪办？电话多少？每个月几号到账？',
      [
        part('沈阳失业金去哪办？', `${text}[1]`, 'p8', text),
        part('电话多少？', `${text}[1]`, 'p9', text),
        part('每个月几号到账？', '失业保险金于每月15日前发放至本人社会保障卡。[1]', 'p10', '（三）审核发放。失业保险金于每月15日前发放至本人社会保障卡。'),
      ],
      OPTS,
    );
    expect(a.parts).toHaveLength(2);
    expect(a.parts![0]!.question).toBe('沈阳失业金去哪办，电话多少？');
    expect(a.answer.match(/北五马路36号/gu)).toHaveLength(1);
    expect(a.answer).toMatch(/^①沈阳失业金去哪办，电话多少？：/u);
    expect(a.answer).toContain('②每个月几号到账？：');
  });

  it('asks with different answers stay separate parts', () => {
    const a = combineParts('能领多少？能领多久？', [part('能领多少？', '每人每月1890元。[1]', 'p3', '每人每月1890元。'), part('能领多久？', '最长领取12个月。[1]', 'p4', '最长领取12个月。')], OPTS);
    expect(a.parts).toHaveLength(2);
  });
});
