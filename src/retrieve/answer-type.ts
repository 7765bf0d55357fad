import { splitSentences } from '../text/sentences.ts';

/**
 * What kind of answer a question asks for, and how well a passage offers it. A question
 * such as 「…给哪些人？」 or 「有哪些类型？」 asks for an enumeration: a passage that lists
 * several groups (「就业困难人员、毕业年度高校毕业生、离校2年内未就业高校毕业生」) answers it
 * better than a clause that mentions one, even when the clause is shorter and matches the
 * words as well. This is the classic question-type / answer-type match of extractive QA.
 */
export type AnswerType = 'people' | 'list' | null;

const PEOPLE_QUESTION = /哪些人|哪类人|哪几类人|什么人|哪些群体|哪些对象|对象是|对象有|谁可以|谁能/;
const LIST_QUESTION = /哪些|哪几|几类|几种|哪类|哪种|什么类型|类型|种类|类别|包括什么|包括哪|有什么/;

export function answerTypeOf(norm: string): AnswerType {
  if (PEOPLE_QUESTION.test(norm)) return 'people';
  if (LIST_QUESTION.test(norm)) return 'list';
  return null;
}

/** Words that end a target-group name (人员, 毕业生, 家庭 …). */
const PERSON_ITEM = /(人员|毕业生|学生|家庭|军人|农民工|青年|残疾人|人口|工商户|劳动者|职工|妇女|失业者|群体|企业|单位|主体)$/;

/**
 * The largest number of items in one enumeration (「A、B、C等」) within a clause that
 * mentions one of `topics` (normalised forms): the list must be about what was asked
 * (「…等5大类30余种公益性岗位」), not any list near it. For `people`, only items naming a
 * group count.
 */
export function enumerationSize(text: string, type: Exclude<AnswerType, null>, topics: string[]): number {
  let best = 0;
  for (const sentence of splitSentences(text)) {
    for (const clause of sentence.split(/[，,；;：:]/)) {
      if (topics.length && !topics.some((t) => clause.includes(t))) continue;
      const parts = clause.split('、');
      if (parts.length < 2) continue;
      const items = type === 'people' ? parts.filter((p) => PERSON_ITEM.test(p.replace(/[等的]+$/, '').trim())).length : parts.length;
      best = Math.max(best, items);
    }
  }
  return best;
}

/** Multiplier for a passage's score: up to 1 + `max` for an enumeration of 4 or more items. */
export function answerTypeFactor(size: number, max: number): number {
  if (size < 2) return 1;
  return 1 + max * Math.min(1, (size - 1) / 3);
}
