import { normalizeForMatch } from '../text/normalize.ts';
import { cut, dictionaryWords } from '../text/tokenize.ts';
import { homophoneCorrector, pinyinRunCorrector } from '../text/homophones.ts';
import { deepestPlaces, findPlaces, mostSpecific, placeRelation, placesInQuestion } from '../text/gazetteer.ts';
import type { AnswerKind, ConceptHit, KindSpec, Lexicon } from '../text/lexicon.ts';
import { metaFieldAsked } from './meta-ask.ts';

/**
 * What a chat message asks. People write narratives (「我是去年毕业的，现在在工地干活…」),
 * add politeness and urgency (谢谢、急、在线等) and put two questions in one message. This
 * step finds the asks (the clauses that ask something), the background (the clauses that only
 * tell), the answer kind of each ask, the concepts named and the places — with the lexicon's
 * data only (phrases.yml, answer-kinds.yml, concepts/*.yml), no per-question rules.
 */
export interface Ask {
  /** The ask as written (display), without chat noise. */
  text: string;
  /** Normalised ask text without noise phrases. */
  norm: string;
  kind: AnswerKind | null;
  /** Topic concepts named in the ask itself. */
  concepts: ConceptHit[];
  /** Topic concepts taken from the rest of the message because the ask names none (「是按什么算的？」). */
  inherited: ConceptHit[];
  /**
   * The narrative clauses of the ask's own sentence and the sentence before it, when the ask
   * names no topic itself (「老婆名下有房贷，我还有车贷，这样会不会申请不了？」): they say what it is about.
   */
  near?: string;
}

export interface Understanding {
  raw: string;
  norm: string;
  asks: Ask[];
  /** Normalised narrative clauses (facts, background), noise removed. */
  background: string;
  /** Every concept hit in the message (topic and role concepts). */
  concepts: ConceptHit[];
  /** The most specific places named (青岛市城阳区). */
  places: string[];
  /** Surface forms of the places as typed (城阳, 广州). */
  placeWords: string[];
  /** How the places named lie to each other, the one come from included (gazetteer placeRelation). */
  placeRelation: 'same-province' | 'other-province' | null;
}

/** At most this many asks are answered separately; further ones join the last. */
export const MAX_ASKS = 3;

const CLAUSE_SEP = /[，,]+/u;

/** What the message reader derives from a lexicon, made once per lexicon. */
interface Compiled {
  /** Each ask joiner with the pattern of it opening a clause. */
  joiners: Array<[RegExp, string]>;
  /** One-character noise words, dropped as whole words only. */
  singleNoise: ReadonlySet<string>;
  /** Each inserted adverb with the lexicon's phrases that contain it (工资一直拖), which keep it. */
  inserted: Array<[string, string[]]>;
  /** Homophone typos of the lexicon's terms put right (homophones.ts). */
  homophones: (text: string) => string;
  /** Domain words typed in pinyin put in characters (homophones.ts). */
  pinyin: (text: string) => string;
}
const compiledFor = new WeakMap<Lexicon, Compiled>();
function compiled(lexicon: Lexicon): Compiled {
  let c = compiledFor.get(lexicon);
  if (!c) {
    const phrases = [...new Set([...lexicon.concepts.flatMap((x) => x.forms), ...lexicon.questionPhrases, ...lexicon.phrases.notQuestions])];
    c = {
      joiners: lexicon.phrases.askJoiners.map((j) => [new RegExp(`(^|[，,。？?！!；;\\s])${escapeRegExp(j)}`, 'gu'), j]),
      singleNoise: new Set(lexicon.phrases.noise.filter((p) => p.length === 1)),
      inserted: lexicon.phrases.insertedWords.map((w) => [w, phrases.filter((f) => f.includes(w))]),
      homophones: homophoneCorrector(lexicon.userWords, { words: dictionaryWords }),
      pinyin: pinyinRunCorrector(lexicon.userWords),
    };
    compiledFor.set(lexicon, c);
  }
  return c;
}

/** Removes politeness, urgency, openers and fillers: multi-character phrases as substrings, single characters only as whole jieba tokens (急 but not 急诊). */
export function stripNoise(norm: string, lexicon: Lexicon): string {
  let s = norm;
  for (const p of lexicon.phrases.noise) if (p.length > 1 && s.includes(p)) s = s.split(p).join(' ');
  const single = compiled(lexicon).singleNoise;
  // Only a text with one of those characters is segmented (a word that contains one keeps it).
  if (single.size && [...single].some((ch) => s.includes(ch))) s = cut(s).filter((t) => !single.has(t)).join('');
  for (const [w, keep] of compiled(lexicon).inserted) if (s.includes(w)) s = withoutInserted(s, w, keep);
  return s.replace(/\s+/g, ' ').trim();
}

/** 「包工头直接跑路」 → 包工头跑路: the adverb goes, except inside a phrase of the lexicon that holds it (工资一直拖). */
function withoutInserted(s: string, w: string, keep: readonly string[]): string {
  const kept = new Uint8Array(s.length);
  for (const f of keep) for (let i = s.indexOf(f); i >= 0; i = s.indexOf(f, i + 1)) kept.fill(1, i, i + f.length);
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (s.startsWith(w, i) && !kept[i]) i += w.length;
    else out += s[i++];
  }
  return out;
}

/**
 * 「一直没做过什么认证」「没跟平台签过什么合同」「没啥钱」: 什么/啥 after 没 (not 有没有) is "any", a statement, not a
 * question — unless a modal verb comes between (「没有工作能领什么补贴」 asks).
 */
const NEGATED_INDEFINITE = /(?<!有)没有?(?:(?![能可会要该])[\u4e00-\u9fff]){0,6}?(?:什么|啥)/gu;
/**
 * 「有啥事也不跟家里说」「什么都不懂」「哪儿都找不到」: 什么/啥/谁/哪儿 before 也/都 and a negation is "any,
 * whatever", a statement. 为什么/为啥 (…都不给？ asks why) and 怎么 (how come) stay questions.
 */
const UNIVERSAL_INDEFINITE = /(?<![为凭])(?:什么|啥|谁|哪儿|哪里)[\u4e00-\u9fff]{0,3}?[也都](?:不|没)/gu;

function isAsking(norm: string, lexicon: Lexicon, lastOfSentence: boolean): boolean {
  const clauseNorm = lexicon.phrases.notQuestions
    .reduce((t, p) => t.split(p).join('，'), norm)
    .replace(NEGATED_INDEFINITE, '，')
    .replace(UNIVERSAL_INDEFINITE, '，');
  if (lexicon.phrases.questionCues.some((c) => clauseNorm.includes(c))) return true;
  return lastOfSentence && lexicon.phrases.weakCues.some((c) => clauseNorm.includes(c));
}

const INTERROGATIVE = /多少|多久|多长|多大|多远|几|哪|什么|啥|怎|咋|谁|吗|么|是否|能否|可否|不|没/u;
/** Question words that, inside a yes/no question, are indefinites: 「能不能替我上几天班」 is a few days, 「有什么补贴吗」 any subsidy. */
const INDEFINITE = /几|哪|什么|啥|谁/u;
/** A yes/no frame: A-not-A (能不能, 要不要, 是不是 …) or a final 吗. */
const YES_NO_FRAME = /(.)不\1|(.)没\2|吗$/u;
/** Kinds that are a question's frame, not its object: 「哪些材料」 asks for materials, 「有什么条件」 for conditions. */
const FRAME_KINDS: ReadonlySet<AnswerKind> = new Set(['what']);
/** Asking whether something exists (有没有, 有无 …): the thing named says what kind of answer is wanted. */
const EXISTENTIAL = /有没有|有无|有没|有吗|有什么|有啥|^有(?!没)/u;

/**
 * Whether a cue occurs in a text as words, not inside one: 「发多少」 is not in 「要开发多少个」
 * (开发 is one word), 「多少钱」 is in 「能领多少钱」. A cue starts where a word starts, or inside a
 * word that is itself a question phrase (「领多少」 in 能领/多少); A-not-A cues match anywhere (还有没有).
 */
function cueFinder(norm: string, lexicon: Lexicon): (cue: string) => boolean {
  const inside = new Set<number>();
  let at = 0;
  for (const w of cut(norm)) {
    if (w.length > 1 && !isCuePhrase(w, lexicon)) for (let i = at + 1; i < at + w.length; i++) inside.add(i);
    at += w.length;
  }
  return (cue) => {
    // An A-not-A cue (有没有, 能不能) cannot be part of another word.
    if (/(.)[不没]\1/u.test(cue)) return norm.includes(cue);
    for (let i = norm.indexOf(cue); i >= 0; i = norm.indexOf(cue, i + 1)) if (!inside.has(i)) return true;
    return false;
  };
}

function isCuePhrase(word: string, lexicon: Lexicon): boolean {
  return lexicon.questionPhrases.includes(word);
}

/** Words that make money the subject of a bare 多少/几. */
const MONEY_SUBJECT = /钱|元|块|补贴|补助|资助|奖励|津贴|补偿|赔偿|报销|工资|薪|金|费|贷|待遇|标准|利息|罚/u;

/**
 * The answer kind a question asks for: the first kind (by priority) whose ask phrases it contains,
 * a cue with a question word deciding first. Two rules of how questions are built: in a yes/no
 * question (A-not-A, 吗) the words 几/哪/什么/谁 are indefinites, not question words; and a 「哪些/什么…」
 * frame gives way to the kind its object names (「要准备哪些材料」 is a materials question).
 * `subject`: the clause the ask is about when it says it apart (「那个失地农民的补贴，每个月能有多少」): a bare
 * 多少 asks for a sum when that names money.
 */
export function answerKindOf(norm: string, lexicon: Lexicon, subject = ''): AnswerKind | null {
  // 「是哪个部门发的」「文号是多少」 ask about the document itself (its metadata), not for a place, a number or a sum.
  if (metaFieldAsked(norm)) return null;
  const yesNo = YES_NO_FRAME.test(norm.replace(/[？?！!。，,\s]+$/u, ''));
  const interrogative = (a: string) => INTERROGATIVE.test(yesNo ? a.replace(INDEFINITE, '') : a);
  const has = cueFinder(norm, lexicon);
  const matching = lexicon.kinds.filter((k) => k.ask.some(has));
  const asking = headOf(
    matching.find((k) => k.ask.some((a) => has(a) && interrogative(a))),
    matching,
    norm,
    (a) => has(a) && interrogative(a),
  );
  // 「有没有电话」「有没有年龄要求」: asking whether something exists asks for it.
  const existential = asking?.kind === 'yesno' && EXISTENTIAL.test(norm);
  if (asking && (FRAME_KINDS.has(asking.kind) || existential)) {
    const object = matching.find((k) => !FRAME_KINDS.has(k.kind) && k.kind !== 'yesno');
    if (object) return object.kind;
  }
  if (asking) return asking.kind;
  if (matching[0]) return matching[0].kind;
  // A bare 多少/几 asks for a sum when money is the subject, else for a number.
  if (/多少|几/.test(norm)) return MONEY_SUBJECT.test(norm) || MONEY_SUBJECT.test(subject) ? 'amount' : 'number';
  return null;
}

/**
 * 「能领多少个月」: two cues overlap (领多少 → amount, 多少个月 → duration) and the one that ends further
 * right names the unit asked for — the head of a Chinese phrase is on its right — so its kind wins
 * over the earlier kind by priority.
 */
function headOf(kind: KindSpec | undefined, matching: readonly KindSpec[], norm: string, asks: (cue: string) => boolean): KindSpec | undefined {
  if (!kind) return kind;
  const spans = (k: KindSpec) =>
    k.ask.filter(asks).flatMap((c) => {
      const out: Array<[number, number]> = [];
      for (let i = norm.indexOf(c); i >= 0; i = norm.indexOf(c, i + 1)) out.push([i, i + c.length]);
      return out;
    });
  const own = spans(kind);
  for (const other of matching) {
    if (other === kind) continue;
    if (spans(other).some(([s2, e2]) => own.some(([s1, e1]) => s2 > s1 && s2 < e1 && e2 > e1))) return other;
  }
  return kind;
}

interface Clause {
  raw: string;
  norm: string;
  asking: boolean;
  sentence: number;
}

function splitClauses(raw: string, lexicon: Lexicon): Clause[] {
  const out: Clause[] = [];
  // A joiner (另外, 还有, 顺便问一下) at the start of a clause starts a new sentence.
  let text = raw;
  for (const [re, j] of compiled(lexicon).joiners) text = text.replace(re, `$1。${j}`);
  // Each sentence with the mark that ends it: a question mark makes its last clause an ask.
  const sentences = [...text.matchAll(/([^。！？!?；;\n]+)([。！？!?；;\n]*)/gu)]
    .map((m) => ({ body: m[1]!.trim(), mark: m[2] ?? '' }))
    .filter((x) => x.body);
  sentences.forEach(({ body, mark }, si) => {
    const clauses = spacedClauses(body, (left) => NARRATIVE.test(left) || isAsking(normalizeForMatch(left), lexicon, false)).split(CLAUSE_SEP).map((c) => c.trim()).filter(Boolean);
    const endsWithQuestion = /[？?]/u.test(mark);
    clauses.flatMap((c, ci) => leadIn(c, lexicon).map((x) => [x, ci] as const)).forEach(([c, ci], k, all) => {
      const norm = stripNoise(normalizeForMatch(c), lexicon);
      if (!norm) return;
      const last = ci === clauses.length - 1 && k === all.length - 1;
      const asking = isAsking(normalizeForMatch(c), lexicon, last) || (endsWithQuestion && last);
      out.push({ raw: c, norm, asking, sentence: si });
    });
  });
  return out;
}

/**
 * 「急着让我问问：见习单位是不是必须买意外保险？」: what comes before a colon that asks nothing introduces the
 * question (我想问一下：, 请教：), and what follows is the ask as written; the lead-in stays as background.
 */
function leadIn(clause: string, lexicon: Lexicon): string[] {
  const m = /^([^：:]{2,20})[：:]\s*(\S.*)$/u.exec(clause);
  if (!m || isAsking(normalizeForMatch(m[1]!), lexicon, false)) return [clause];
  return [m[1]!, m[2]!];
}

/** An ask's kind read again with the clause it is about: only a bare 多少 (read as 'number' alone) can change. */
function withSubject(a: Ask, lexicon: Lexicon): AnswerKind | null {
  return a.near && a.kind === 'number' ? answerKindOf(a.norm, lexicon, a.near) : a.kind;
}

/** Characters on each side of a space for it to end a clause. */
const SPACED_CLAUSE = 5;

/**
 * 「广州的就业见习一般要见习多长时间 见习这段时间单位每个月给的生活补贴最少不能低于多少」: typed by voice or
 * in a hurry, a space is where a comma would be — between two runs of Chinese long enough to be clauses,
 * the first of which tells the story or asks (「广州 失业金 多少」 is a string of keywords, and in
 * 「创业担保贷款 需要什么材料」 the first run is the topic of the second).
 */
function spacedClauses(body: string, isClause: (left: string) => boolean): string {
  const parts = body.split(/(\s+)/u);
  let out = parts[0] ?? '';
  const cjk = (s: string) => (s.match(/[\u4e00-\u9fff]/gu) ?? []).length;
  for (let i = 1; i < parts.length; i += 2) {
    const before = out.split(CLAUSE_SEP).pop() ?? '';
    const after = (parts[i + 1] ?? '').split(CLAUSE_SEP)[0] ?? '';
    const joinsChinese = /[\u4e00-\u9fff]$/u.test(before) && /^[\u4e00-\u9fff]/u.test(after);
    out += (joinsChinese && cjk(before) >= SPACED_CLAUSE && cjk(after) >= SPACED_CLAUSE && isClause(before) ? '，' : parts[i]!) + (parts[i + 1] ?? '');
  }
  return out;
}

/** A clause without the phrases that say what kind of answer it asks for, nor its question cues. */
function withoutCues(norm: string, lexicon: Lexicon): string {
  const rest = lexicon.questionPhrases.reduce((t, c) => t.split(c).join('，'), norm);
  return rest.replace(/[，\s]+/g, '，').replace(/^，|，$/g, '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const topicHits = (hits: ConceptHit[]) => hits.filter((h) => h.concept.topic);

/** A clause that tells the person's story: 我, 家里, a completed 了, a time before now (刚, 去年, 以前). */
const NARRATIVE = /[我俺咱]|本人|家里|孩子|老公|老婆|爸|妈|了|刚|去年|前年|上个月|之前|以前/u;

/** Question particles and punctuation after an ask's last word. */
const ASK_TAIL = /[吗呢么不吧啊呀？?！!。，,\s]+$/u;

/** 「…才能领」「…可以申请吗」: the ask ends with a verb of getting a benefit, and says not what. */
function elidesObject(norm: string, lexicon: Lexicon): boolean {
  const body = norm.replace(ASK_TAIL, '');
  return lexicon.phrases.elidedObjectVerbs.some((v) => body.endsWith(v));
}

/** The ask names a thing one receives (失业保险金, 创业担保贷款, 工伤待遇). */
function namesReceived(hits: ConceptHit[], lexicon: Lexicon): boolean {
  return hits.some((h) => h.concept.topic && lexicon.phrases.receivedNouns.some((n) => h.concept.name.endsWith(n)));
}

export interface ReadOptions {
  /** Whether the corpus has documents for a place (or one containing it): resolves a name several places share. */
  servedPlace?: (name: string) => boolean;
}

export function understand(typed: string, lexicon: Lexicon, region: string | null = null, opts: ReadOptions = {}): Understanding {
  // The listed typos (misspellings.yml), words typed in pinyin (chuangye贷款), then runs that sound like a term of the
  // lexicon (担宝贷款).
  const c = compiled(lexicon);
  const raw = c.homophones(c.pinyin(lexicon.correct(typed)));
  const norm = normalizeForMatch(raw);
  const clauses = splitClauses(raw, lexicon);
  // Asks: the asking clauses of a sentence form one ask, unless they ask for different kinds
  // (「能给多少钱，找谁申请？」 is two asks); a sentence without an asking clause is background.
  const groups: Clause[][] = [];
  let lastSentence = -1;
  let lastKind: AnswerKind | null | undefined;
  for (const c of clauses) {
    if (!c.asking) continue;
    const kind = answerKindOf(c.norm, lexicon);
    const current = groups[groups.length - 1];
    const sameSentence = c.sentence === lastSentence;
    if (current && sameSentence && (kind === null || lastKind === null || kind === lastKind)) current.push(c);
    else if (current && sameSentence && c.norm.length <= 2) current.push(c);
    else groups.push([c]);
    lastSentence = c.sentence;
    if (kind !== null) lastKind = kind;
    else if (!sameSentence) lastKind = null;
  }
  const backgroundClauses = clauses.filter((c) => !c.asking);
  const background = backgroundClauses.map((c) => c.norm).join('，');
  // No asking clause at all (「我被裁了失业金」): the whole message is the ask.
  if (!groups.length && clauses.length) groups.push(clauses);
  while (groups.length > MAX_ASKS) groups[groups.length - 2]!.push(...groups.pop()!);

  const allConcepts = lexicon.findConcepts(stripNoise(norm, lexicon));
  const backgroundTopics = topicHits(lexicon.findConcepts(background));
  const asks: Ask[] = [];
  for (const g of groups) {
    const askNorm = g.map((c) => c.norm).join('，');
    const concepts = lexicon.findConcepts(askNorm);
    asks.push({
      text: g.map((c) => c.raw).join('，'),
      norm: askNorm,
      kind: answerKindOf(askNorm, lexicon),
      concepts,
      inherited: [],
    });
  }
  // An ask that names no topic is about the topic of the ask before it, or of the background;
  // the narrative just before it is part of it.
  // So is a later ask whose verb has no object (「失业金一个月多少，要交够几年社保才能领」: 领 the 失业金),
  // unless it names a thing one receives itself.
  asks.forEach((a, i) => {
    const first = groups[i]![0]!.sentence;
    if (topicHits(a.concepts).length && !(i > 0 && elidesObject(a.norm, lexicon) && !namesReceived(a.concepts, lexicon))) {
      // 「广州灵活就业交养老保险，每个月最低交多少钱」: a clause of the ask's sentence that names a topic and tells
      // no story (no 我, no 了) states what the ask is about.
      const topic = backgroundClauses.filter((c) => c.sentence === first && !NARRATIVE.test(c.norm) && topicHits(lexicon.findConcepts(c.norm)).length);
      if (topic.length) a.near = topic.map((c) => c.norm).join('，');
      a.kind = withSubject(a, lexicon);
      return;
    }
    const near = backgroundClauses.filter((c) => c.sentence === first || c.sentence === first - 1).map((c) => c.norm);
    // The ask before it says what it is about, in words the lexicon may not know
    // (「培训期间有没有生活费？一天给多少？」: 一天给多少 is about the 生活费).
    // Without what it asked (its cues: 多少钱, 多久, 吗 …), which would pull towards its own kind of answer.
    const before = asks[i - 1];
    const topic = before ? withoutCues(before.norm, lexicon) : '';
    if (topic) near.push(topic);
    if (near.length) a.near = near.join('，');
    a.kind = withSubject(a, lexicon);
    // The topics of the asks before it and of the narrative (「参加创业大赛拿了三等奖…能拿多少？」).
    const seen = new Set<string>();
    // The asks before it first: when one of them names a topic, the story's other topics (「房贷每月还得还」)
    // are not what this ask is about.
    const fromAsks = asks.slice(0, i).flatMap((b) => topicHits(b.concepts));
    const pool = fromAsks.length ? fromAsks : [...backgroundTopics, ...asks.slice(i + 1).flatMap((b) => topicHits(b.concepts))];
    a.inherited = pool.filter((h) => !seen.has(h.concept.name) && seen.add(h.concept.name));
  });

  const mentions = findPlaces(norm, { short: true, ...(opts.servedPlace ? { prefer: opts.servedPlace } : {}) });
  const placeWords = [...new Set(mentions.map((m) => norm.slice(m.index, m.index + m.length)))];
  // 「从广东打工回来，想在仁怀开个小店」: a place one came back from is not the one asked about (when another
  // is named). 「想从仁怀去浙江打工」 is different: 仁怀 is home, and stays.
  const origin = (m: (typeof mentions)[number]) =>
    /[从自]$/u.test(norm.slice(Math.max(0, m.index - 1), m.index)) && /^[^，,。；;？?！!]*回/u.test(norm.slice(m.index + m.length));
  const located = mentions.filter((m) => !origin(m));
  const places = deepestPlaces(located.length && located.length < mentions.length ? located : mentions);
  if (region && !places.length) {
    const r = placesInQuestion(normalizeForMatch(region));
    const best = mostSpecific(r);
    if (best) places.push(best);
  }
  // The places one moves between (placeRelation), the one come from included: cities and provinces, and
  // counties written out in full — a county's short form is often an ordinary word as well (新建, 乐业).
  const movedBetween = mentions.filter((m) => m.place.level <= 2 || /[区县市旗]$/u.test(norm.slice(m.index, m.index + m.length)));
  return { raw, norm, asks, background, concepts: allConcepts, places, placeWords, placeRelation: placeRelation(deepestPlaces(movedBetween)) };
}
