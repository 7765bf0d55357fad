import { describe, expect, it } from 'vitest';
import { homophoneCorrector } from '../src/text/homophones.ts';
import { dictionaryWords } from '../src/text/tokenize.ts';
import { loadLexicon } from '../src/text/lexicon.ts';
import { understand } from '../src/understand/message.ts';

const lexicon = loadLexicon();

describe('homophone typos of the lexicon’s terms (pinyin input, voice typing)', () => {
  const correct = homophoneCorrector(lexicon.userWords, { words: dictionaryWords });

  it('a run that sounds like a term and differs in one character is that term', () => {
    expect(correct('我想申请公益性刚位')).toBe('我想申请公益性岗位');
    expect(correct('开奶茶店能领一次性创业不贴吗')).toBe('开奶茶店能领一次性创业补贴吗');
    expect(correct('我是灵活就叶人员')).toBe('我是灵活就业人员');
  });

  it('leaves words that were meant: a character inside a dictionary word, question phrases, text already right', () => {
    // 今年 is a word: 失业保险今年 is not 失业保险金 + 年.
    expect(correct('失业保险今年涨了吗')).toBe('失业保险今年涨了吗');
    // 罚多少 is a way of asking, never a target: 发多少 stays.
    expect(correct('每个月发多少钱')).toBe('每个月发多少钱');
    expect(correct('创业担保贷款怎么申请')).toBe('创业担保贷款怎么申请');
    expect(correct('hello 123')).toBe('hello 123');
  });

  it('a run that sounds like two different terms is left as typed', () => {
    const two = homophoneCorrector(['事业单位', '失业单位']);
    expect(two('是业单位')).toBe('是业单位');
    expect(homophoneCorrector(['事业单位'])('是业单位')).toBe('事业单位');
  });

  it('the message is read as corrected', () => {
    const u = understand('在广州能申请创业担宝贷款吗', lexicon);
    expect(u.raw).toContain('创业担保贷款');
    expect(u.concepts.map((c) => c.concept.name).join(' ')).toMatch(/担保贷款/);
  });
});
