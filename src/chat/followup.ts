import { findPlaces, PLACES, lineage, mostSpecific } from '../text/gazetteer.ts';
import type { FollowUpContext } from './store.ts';

/**
 * Rule-based follow-up handling, deliberately narrow so every rewrite can be explained:
 *
 * 1. A place follow-up — the message is only a place plus filler (「那城阳区呢？」「广州的情况呢」):
 *    re-ask the last question with that place instead of the one it named.
 * 2. A topic follow-up — a short message made only of generic asking words
 *    (「需要什么材料？」「怎么申请？」「能领多久？」): append it to the last question's topic.
 *
 * Anything else is a new question and is answered on its own.
 */
export type Resolution =
  | { kind: 'new'; question: string }
  /** Only a place, with no earlier question to apply it to (「城阳区」 as a first message). */
  | { kind: 'region'; question: string; place: string }
  | { kind: 'place'; question: string; place: string }
  | { kind: 'topic'; question: string; topic: string };

/** Words that carry no topic in a place follow-up. */
const PLACE_FILLER = /那么|那|呢|吗|的情况|情况|怎么样|如何|如果是|换成|改成|的话|还有|在|是|也|又|呀|啊|的|[？?，,。.!！~～\s]/gu;

/** Generic asking words: a short message made only of these has no topic of its own. */
const GENERIC_WORDS = [
  '多长时间', '在哪里', '去哪里', '什么时候', '哪些人', '有哪些',
  '需要', '什么', '哪些', '材料', '资料', '手续', '证明', '证件', '怎么', '怎样', '如何', '申请', '办理', '领取', '多久', '时间',
  '期限', '多少', '金额', '标准', '条件', '要求', '流程', '步骤', '哪里', '哪儿', '找谁', '电话', '地址', '网上', '线上', '线下',
  '准备', '提交', '审核', '到账', '发放', '可以', '应该', '那么', '还有', '我们',
  // 「这个补贴要什么材料？」: a pointer and the bare benefit noun refer to the measure just asked about.
  '这个', '这项', '这笔', '该项', '补贴', '补助',
  '领', '能', '钱', '办', '要', '吗', '呢', '那', '还', '的', '是', '有', '给', '多', '长', '久', '几', '个', '月', '年', '天',
  '交', '带', '发', '谁', '可', '了', '和', '及', '等', '呀', '啊', '吧', '我', '你', '得', '么', '样', '去', '到', '哪',
];
const GENERIC_RE = new RegExp(`${GENERIC_WORDS.sort((a, b) => b.length - a.length).join('|')}|[？?，,。.!！~～\\s]`, 'gu');
const MAX_TOPIC_FOLLOWUP_CHARS = 15;

/** Trailing asking phrases removed to get a question's topic: 「失业保险金怎么领取？」 → 「失业保险金」. */
const TAIL_RE =
  /(?:的)?(?:是什么|是多少|有哪些[\p{Script=Han}]{0,4}|有什么[\p{Script=Han}]{0,4}|给哪些人|给谁|怎么[\p{Script=Han}]{0,4}|如何[\p{Script=Han}]{0,4}|多少[\p{Script=Han}]{0,3}|需要什么[\p{Script=Han}]{0,3}|能领多久|领多久|多久|吗|呢)$/u;

/** The topic of a question: the question without its trailing asking phrase. */
export function topicOf(question: string): string {
  const q = question.trim().replace(/[？?。.!！~～\s]+$/u, '');
  const topic = q.replace(TAIL_RE, '').replace(/[，,、\s]+$/u, '');
  return topic.length >= 2 ? topic : q;
}

export function resolveFollowUp(text: string, ctx: FollowUpContext | null): Resolution {
  const question = text.trim();
  const mentions = findPlaces(question, { short: true });
  if (mentions.length > 0) {
    let rest = question;
    for (const m of [...mentions].reverse()) rest = rest.slice(0, m.index) + rest.slice(m.index + m.length);
    if (rest.replace(PLACE_FILLER, '') !== '') return { kind: 'new', question };
    const written = mentions.map((m) => question.slice(m.index, m.index + m.length)).join('');
    const place = mostSpecific(mentions.map((m) => m.place.name))!;
    if (!ctx) return { kind: 'region', question, place };
    return { kind: 'place', question: withPlace(ctx.question, written), place };
  }
  if (!ctx) return { kind: 'new', question };

  if (question.length <= MAX_TOPIC_FOLLOWUP_CHARS && /\p{Script=Han}/u.test(question) && question.replace(GENERIC_RE, '') === '') {
    const ask = question.replace(/^(那么|那|还有|还)/u, '');
    // The topic and the ask stay apart (「失业保险金 需要什么材料？」), never glued into one word string.
    return { kind: 'topic', question: `${ctx.topic} ${ask}`, topic: ctx.topic };
  }
  return { kind: 'new', question };
}

/** The last question with its place mentions replaced by `place` (or `place` put in front when it named none). */
function withPlace(last: string, place: string): string {
  const mentions = findPlaces(last, { short: true });
  if (mentions.length === 0) return `${place}${last}`;
  // The first mention becomes the new place; further mentions (青岛 in 青岛城阳区) are dropped.
  let out = last;
  for (const [i, m] of [...mentions.entries()].reverse()) {
    out = out.slice(0, m.index) + (i === 0 ? place : '') + out.slice(m.index + m.length);
  }
  return out;
}

/**
 * A region the user typed (/region 青岛城阳) as a canonical gazetteer name, or null when the
 * text is not (only) a known place. Several mentions must nest: 青岛 城阳 → 青岛市城阳区.
 */
export function parseRegion(text: string): string | null {
  const t = text.trim().replace(/[\s,，、。]+/gu, '');
  if (!t) return null;
  if (PLACES.has(t)) return t;
  const mentions = findPlaces(t, { short: true });
  if (mentions.length === 0) return null;
  const covered = mentions.reduce((n, m) => n + m.length, 0);
  if (covered !== t.length) return null;
  const best = mostSpecific(mentions.map((m) => m.place.name))!;
  const chain = lineage(best);
  return mentions.every((m) => chain.includes(m.place.name)) ? best : null;
}
