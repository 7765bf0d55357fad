import { describe, expect, it } from 'vitest';
import { chineseNumeralValue, foldNumerals } from '../src/text/numerals.ts';
import { foldForCompare, normalizeForMatch } from '../src/text/normalize.ts';

describe('Chinese numerals in matching', () => {
  it.each([
    ['十', 10],
    ['十五', 15],
    ['二十四', 24],
    ['一百零五', 105],
    ['三千', 3000],
    ['两', 2],
  ])('%s = %d', (text, value) => {
    expect(chineseNumeralValue(text)).toBe(value);
  });

  it('rejects strings that are not one number', () => {
    expect(chineseNumeralValue('五五')).toBeNull();
  });

  it.each([
    ['累计缴费满十五年', '累计缴费满15年'],
    ['领取期限最长为二十四个月', '领取期限最长为24个月'],
    ['按不低于百分之五十的比例', '按不低于50%的比例'],
    ['缴费时间一至四年的', '缴费时间1至4年的'],
    ['每满一年', '每满1年'],
    ['最高两万元', '最高2万元'],
    // As people type sums: digits with a written scale.
    ['交了5百块押金', '交了500块押金'],
    ['工资3千5一个月', '工资3500一个月'],
    ['贷款5千万元', '贷款5000万元'],
  ])('folds the quantity in %s', (text, folded) => {
    expect(foldNumerals(text)).toBe(folded);
  });

  it.each(['一次性创业补贴', '第十四条', '十四五规划', '统一年度', '同一人', '五五开'])('leaves %s alone', (text) => {
    expect(foldNumerals(text)).toBe(text);
  });

  it('a question that types 8千 matches a document that writes 8000元', () => {
    expect(normalizeForMatch('每户一次性给予8000元')).toContain(normalizeForMatch('给予8千'));
  });

  it('makes a question in Chinese numerals match a clause in digits, and the reverse', () => {
    expect(normalizeForMatch('缴费满十五年')).toBe(normalizeForMatch('缴费满15年'));
    expect(normalizeForMatch('失業保險金領取期限最長為二十四個月')).toContain('最长为24个月');
  });

  it('compares gold facts with answers whatever numerals either uses', () => {
    expect(foldForCompare('参保人一年至少进行一次资格认证')).toContain(foldForCompare('一年至少进行一次资格认证'));
    expect(foldForCompare('失业保险金领取期限最长为二十四个月。')).toContain(foldForCompare('最长为24个月'));
  });
});
