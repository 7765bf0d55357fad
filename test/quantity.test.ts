import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../src/text/lexicon.ts';
import { boundVerdict, quantitiesOf, quantityMatch } from '../src/retrieve/quantity.ts';
import { normalizeForMatch } from '../src/text/normalize.ts';

const lexicon = loadLexicon();
const asked = (ask: string, background = '') => quantitiesOf(lexicon.quantities, normalizeForMatch(ask), normalizeForMatch(background));
const names = (ask: string) => asked(ask).map((q) => `${q.spec.name}${q.asked ? '?' : ''}${q.value ?? ''}`);
const match = (ask: string, text: string) => quantityMatch(normalizeForMatch(text), asked(ask));
const YEARS = /(?<![\d.])\d{1,2}\s*年(?![\d月底度])/gu;
const AGE = /\d+\s*周?岁/gu;

describe('quantities an ask is about', () => {
  it('finds the quantity asked and the figures a person states, numerals folded', () => {
    expect(names('山东就业困难人员中大龄人员是多少岁？')).toEqual(['年龄?']);
    expect(names('法律上入职多少天内必须给办？')).toEqual(['天数?']);
    expect(names('我妈今年四十七岁，公益性岗位她还能去吗')).toEqual(['年龄47']);
    expect(names('交了七年社保，失业金最多能领几个月？')).toEqual(['月数?', '年数7']);
    expect(names('招了6个人都签了合同，一次性创业补贴最多能拿多少')).toEqual(['人数6']);
  });
  it('「几号」 asks for a day of the month, which 「1日至20日」 or 「15日前」 states and a period of days does not', () => {
    expect(names('灵活就业社保补贴每季几号申报')).toEqual(['日子?']);
    expect(match('每季几号申报', '每季度首月1日至20日提交申请')).toBeTruthy();
    expect(match('每月几号发', '失业保险金于次月15日前发放')).toBeTruthy();
    expect(match('每季几号申报', '承诺办结时限20个工作日')).toBeFalsy();
  });
  it('「好几年」「前几年」「干几天」 state, they do not ask', () => {
    expect(names('交了好几年社保，失业金一个月能拿多少？')).toEqual([]);
    expect(names('能帮我把前几年的社保补上吗')).toEqual([]);
    expect(names('想让我爸替她去干几天，会不会被清退')).toEqual([]);
  });
  it('reads a stated figure from the narrative before the ask', () => {
    expect(asked('失业金能领几个月？', '我在厂里交了3年失业保险').map((q) => q.value)).toEqual([null, 3]);
  });
});

describe('bounds of a quantity in a text', () => {
  it('a tier holds the figure between its bounds, others exclude it', () => {
    expect(boundVerdict('累计缴费满5年不满10年的,领取期限最长为18个月', YEARS, 7)).toBe('holds');
    expect(boundVerdict('累计缴费满1年不满5年的,领取期限最长为12个月', YEARS, 5)).toBe('excludes');
    expect(boundVerdict('累计缴费10年以上的,领取期限最长为24个月', YEARS, 12)).toBe('holds');
  });
  it('reads ranges and upper bounds of ages', () => {
    expect(boundVerdict('16—24岁登记失业青年', AGE, 22)).toBe('holds');
    expect(boundVerdict('首次上岗时男性不超过55周岁、女性不超过45周岁', AGE, 47)).toBe('excludes');
    expect(boundVerdict('领取期限最长为18个月', YEARS, 7)).toBeNull();
  });
});

describe('how directly a text answers', () => {
  it('stating the quantity asked and holding the stated figure count', () => {
    const ask = '交了7年社保，失业金最多能领几个月？';
    expect(match(ask, '2. 累计缴费满5年不满10年的，领取期限最长为18个月；')).toBe(1);
    expect(match(ask, '1. 累计缴费满1年不满5年的，领取期限最长为12个月；')).toBe(0.5);
    expect(match(ask, '失业人员应当按时办理失业登记。')).toBe(0);
  });
  it('an age bound answers a person who states an age even when it excludes them', () => {
    expect(match('我妈今年47岁，公益性岗位她还能去吗', '女性不超过45周岁')).toBe(0.5);
    expect(match('我妈今年47岁，公益性岗位她还能去吗', '以虚假材料骗取补贴的，追回全部补贴资金')).toBe(0);
  });
});
