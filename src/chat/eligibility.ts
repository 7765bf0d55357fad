import type { Config } from '../config.ts';
import type { Engine } from '../engine.ts';
import { PLACES, placesInQuestion } from '../text/gazetteer.ts';
import { checkEligibility, type CheckResult } from '../eligibility/check.ts';
import { engineMeasures } from '../eligibility/index.ts';
import { OTHER_REGION_PREFIX, type MeasureStatus } from '../eligibility/evaluate.ts';
import { parseProfile, OTHER_REGION, type Profile, type ProfileInput } from '../eligibility/profile.ts';
import { type OptionValue, type QuestionField, type QuestionOption } from '../eligibility/questions.ts';
import { factsFromText, parseAnswer } from '../eligibility/facts.ts';
import { checkCards, describeProfile, GROUP_TITLES, renderCheckText, renderQuestion } from '../eligibility/render.ts';
import { isPolicybotError } from '../errors.ts';
import type { ChatReply, ChannelName, IncomingMessage, ReplyButton } from './types.ts';
import type { ChatStore } from './store.ts';

/**
 * The subsidy-check dialogue: /check (or 「我能领什么补贴」) asks, one at a time, only the
 * question whose answer changes the most verdicts (nextQuestion of the checker), keeps the
 * answers in the store, and ends with the results grouped 可以申请 / 还需确认 / 不符合.
 * Options come as callback buttons (Telegram, web) and as a numbered list in the text, so
 * WeChat and 公众号 users answer with the number. 「跳过」 skips a question, 「重新开始」
 * forgets the answers. Facts said in ordinary questions (「我去年毕业」) pre-fill the profile.
 */

/** A measure of another region: shown only as a count, never listed in a group. */
const isOtherRegionResult = (r: { status: MeasureStatus; conditions: Array<{ text: string }> }) =>
  r.status === 'not_eligible' && r.conditions.length === 1 && r.conditions[0]!.text.startsWith(OTHER_REGION_PREFIX);

/** Free text that asks something, or is too long to be an answer to one of our questions. */
function looksLikeQuestion(text: string): boolean {
  return [...text].length > 30 || /[？?]|吗|怎么|如何|哪些|什么|多少|能不能|可不可以|是否/.test(text);
}

export const MAX_QUESTIONS = 8;
const RESTART_WORDS = new Set(['重新开始', '重来', '重新核对', 'restart']);
const SKIP_WORDS = new Set(['跳过', '不知道', '不清楚', '不想说', 'skip']);
const EXIT_WORDS = new Set(['退出', '结束', '取消', '不查了', 'exit', 'quit']);
const CALLBACK_RE = /^ck:(?:restart|ineligible|all:(?:eligible|unknown)|(\d{1,6}):(\d{1,2}|skip))$/;
/** Words that open the collapsed 不符合 group of the last results. */
const SHOW_INELIGIBLE_WORDS = new Set(['查看不符合', '看不符合', '不符合的', '显示不符合', '查看全部']);
export const SHOW_INELIGIBLE_HINT = '回复「查看不符合」看这些措施和原因';
/** Words that open the whole of a group the results cut short (可以申请, 还需确认). */
const SHOW_GROUP_WORDS = new Map<string, 'eligible' | 'unknown'>([
  ['查看可以申请', 'eligible'],
  ['看可以申请', 'eligible'],
  ['查看还需确认', 'unknown'],
  ['看还需确认', 'unknown'],
]);
/** The results show this many of each group; the rest open with 「查看还需确认」 or the button. */
const PER_GROUP = 6;
const moreHint = (status: MeasureStatus) => `回复「查看${GROUP_TITLES[status]}」看全部`;
const CORRECT_HINT = '说得不对？回复「重新开始」重新核对。';

export const CHECK_INTRO = '好的，我来帮您核对可以申请哪些补贴。只问会影响结果的问题，随时可以回复「跳过」或「重新开始」。';
export const FINISHED_TEXT = '这次核对已经完成了。发送「重新开始」可以重新核对，也可以直接提问。';
export const STALE_CHECK_TEXT = '这个选项已经过期了。发送 /check 重新开始核对。';
/** How to answer: channels with buttons (Telegram, the web) say 点按钮; WeChat and 公众号 have none. */
const CHANNELS_WITH_BUTTONS: ReadonlySet<ChannelName> = new Set(['telegram', 'web']);
export const answerHint = (channel: ChannelName) =>
  `（${CHANNELS_WITH_BUTTONS.has(channel) ? '点按钮或回复序号即可' : '回复序号即可'}；回复「跳过」跳过这一题，「重新开始」从头再来。）`;
const RESULT_FOOTER = '以上只按您提供的情况逐条核对政策原文，结果仅供参考，以原文和当地人社部门的解释为准。发送「重新开始」可以重新核对。';

interface DialogueState {
  v: 1;
  active: boolean;
  /** Answers and facts so far (never `today`: the date comes from the config at each check). */
  profile: ProfileInput;
  skipped: QuestionField[];
  /** Increments with each question; buttons carry it, so an old button cannot answer a new question. */
  step: number;
  pending: { field: QuestionField; options: QuestionOption[] } | null;
  asked: number;
}

const fresh = (): DialogueState => ({ v: 1, active: false, profile: {}, skipped: [], step: 0, pending: null, asked: 0 });

/** 「我能领什么补贴」「我可以申请哪些补贴」: asking what one can get, not about a named policy. */
export function isCheckTrigger(text: string): boolean {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  const asks = /(?:能|可以|可|能够)(?:领|申请|申领|享受|拿)(?:到|取)?(?:哪些|什么|啥|哪几项|哪几种|哪种)(?:补贴|补助|政策|扶持|钱|待遇)?/.test(t) || /有(?:哪些|什么|啥)(?:补贴|补助)(?:可以|能)(?:领|申请|拿)/.test(t);
  if (!asks) return false;
  // A question about others (「灵活就业人员可以申请哪些补贴」) is a policy question, not a check.
  return /我|本人|咱/.test(t) || t.length <= 12;
}

export interface CheckDialogue {
  start(msg: Pick<IncomingMessage, 'channel' | 'userId'>, preface?: string): Promise<ChatReply>;
  /** A text while a question is pending: an answer, 跳过, 重新开始, 退出; null when it is none of these. */
  handleText(msg: Pick<IncomingMessage, 'channel' | 'userId'>, text: string): Promise<ChatReply | null>;
  handleCallback(input: { channel: ChannelName; userId: string; data: string }): Promise<ChatReply>;
  /** Remembers first-person facts from an ordinary message (「我去年毕业」). */
  learn(msg: Pick<IncomingMessage, 'channel' | 'userId'>, text: string): Promise<void>;
  isCallback(data: string): boolean;
  /** Whether this person's dialogue waits for an answer (in a group, a bare 「2」 from them is that answer). */
  awaitsAnswer(msg: Pick<IncomingMessage, 'channel' | 'userId'>): Promise<boolean>;
}

export function createCheckDialogue(deps: { config: Config; engine: Engine; store: ChatStore; now?: () => number }): CheckDialogue {
  const { config, engine, store } = deps;
  const now = deps.now ?? Date.now;
  const today = () => config.today().toISOString().slice(0, 10);
  type Who = Pick<IncomingMessage, 'channel' | 'userId'>;

  async function load(who: Who): Promise<DialogueState> {
    const row = await store.getCheckState(who.channel, who.userId);
    if (!row) return fresh();
    try {
      const s = JSON.parse(row.state) as DialogueState;
      return s && s.v === 1 && typeof s.profile === 'object' ? s : fresh();
    } catch {
      return fresh(); // a damaged state only loses the answers
    }
  }
  const save = (who: Who, s: DialogueState): Promise<void> => store.setCheckState(who.channel, who.userId, JSON.stringify(s));

  const reply = (text: string, buttons: ReplyButton[][] = []): ChatReply => ({ kind: 'command', text, answer: null, citations: [], warnings: [], buttons, answerId: null });

  /** The profile to check: the answers, with the chat's /region when the dialogue has none. */
  async function profileOf(who: Who, s: DialogueState): Promise<Profile> {
    const region = s.profile.region ?? (await store.getUser(who.channel, who.userId))?.region ?? null;
    try {
      return parseProfile({ ...s.profile, ...(region ? { region } : {}) }, config.today());
    } catch (err) {
      // Only possible if a stored answer no longer validates (a renamed place): start over.
      if (!isPolicybotError(err, 'E_BAD_INPUT')) throw err;
      s.profile = {};
      return parseProfile(region ? { region } : {}, config.today());
    }
  }

  async function apply(who: Who, s: DialogueState, field: QuestionField, value: OptionValue): Promise<void> {
    const p: ProfileInput = { ...s.profile };
    if (field === 'identities') {
      p.identities = [...(value as string[])];
      delete p.identitiesComplete;
    } else {
      (p as Record<string, unknown>)[field] = value;
    }
    s.profile = p;
    // A place named in the dialogue is where the user is: remember it for questions too.
    if (field === 'region' && typeof value === 'string' && PLACES.has(value)) await store.updateUser(who.channel, who.userId, { region: value });
  }

  async function step(who: Who, s: DialogueState, preface: string): Promise<ChatReply> {
    const profile = await profileOf(who, s);
    const result = checkEligibility(engineMeasures(engine), profile, { skip: s.skipped });
    const q = result.nextQuestion;
    if (q && s.asked < MAX_QUESTIONS) {
      s.active = true;
      s.step += 1;
      s.asked += 1;
      s.pending = { field: q.field, options: q.options };
      await save(who, s);
      const buttons: ReplyButton[][] = [];
      for (let i = 0; i < q.options.length; i += 2) {
        buttons.push(q.options.slice(i, i + 2).map((o, j) => ({ kind: 'callback', label: o.label, data: `ck:${s.step}:${i + j}` })));
      }
      buttons.push([
        { kind: 'callback', label: '跳过', data: `ck:${s.step}:skip` },
        { kind: 'callback', label: '重新开始', data: 'ck:restart' },
      ]);
      return reply([preface, renderQuestion(q).replace(/^还需要了解：/, ''), answerHint(who.channel)].filter(Boolean).join('\n\n'), buttons);
    }
    s.active = false;
    s.pending = null;
    await save(who, s);
    const buttons: ReplyButton[][] = [[{ kind: 'callback', label: '重新开始', data: 'ck:restart' }]];
    if (result.results.some((r) => r.status === 'not_eligible')) buttons[0]!.unshift({ kind: 'callback', label: '查看不符合', data: 'ck:ineligible' });
    // A group cut short can be opened whole, by a button as by its command.
    const cut = (['eligible', 'unknown'] as const).filter((st) => result.results.filter((r) => r.status === st && !isOtherRegionResult(r)).length > PER_GROUP);
    if (cut.length) buttons.unshift(cut.map((st) => ({ kind: 'callback', label: `查看全部${GROUP_TITLES[st]}`, data: `ck:all:${st}` })));
    const facts = describeProfile(profile);
    return {
      ...reply(resultText(result, preface, profile), buttons),
      cards: checkCards(
        { results: result.results, nextQuestion: null, ...(result.services ? { services: result.services } : {}) },
        { perGroup: PER_GROUP, hideExpired: true, collapseIneligible: SHOW_INELIGIBLE_HINT, moreHint, facts: facts ? `${facts}。${CORRECT_HINT}` : null },
      ),
    };
  }

  function resultText(result: CheckResult, preface: string, profile: Profile): string {
    const body = renderCheckText(
      { results: result.results, nextQuestion: null, ...(result.services ? { services: result.services } : {}) },
      { perGroup: PER_GROUP, hideExpired: true, collapseIneligible: SHOW_INELIGIBLE_HINT, moreHint },
    );
    const facts = describeProfile(profile);
    return [preface, facts ? `${facts}。${CORRECT_HINT}` : null, '逐条核对的结果：', body, RESULT_FOOTER].filter(Boolean).join('\n\n');
  }

  /** The 不符合 group of the last check, each with the condition that rules it out. */
  async function ineligible(who: Who): Promise<ChatReply> {
    const s = await load(who);
    if (s.step === 0) return reply('还没有核对过。发送 /check 开始核对可以申请的补贴。');
    const result = checkEligibility(engineMeasures(engine), await profileOf(who, s), { skip: s.skipped });
    const rows = result.results.filter((r) => r.status === 'not_eligible');
    if (!rows.length) return reply('上次核对没有不符合的措施。');
    // All of them: a list that ends in 「另有N项」 with no way to open it helps nobody.
    const body = renderCheckText({ results: rows, nextQuestion: null });
    return reply(body, [[{ kind: 'callback', label: '重新开始', data: 'ck:restart' }]]);
  }

  /** The whole of a group of the last check that the results cut short (可以申请 or 还需确认). */
  async function wholeGroup(who: Who, status: 'eligible' | 'unknown'): Promise<ChatReply> {
    const s = await load(who);
    if (s.step === 0) return reply('还没有核对过。发送 /check 开始核对可以申请的补贴。');
    const result = checkEligibility(engineMeasures(engine), await profileOf(who, s), { skip: s.skipped });
    const rows = result.results.filter((r) => r.status === status && !isOtherRegionResult(r));
    if (!rows.length) return reply(`上次核对没有「${GROUP_TITLES[status]}」的措施。`);
    return reply(renderCheckText({ results: rows, nextQuestion: null }), [[{ kind: 'callback', label: '重新开始', data: 'ck:restart' }]]);
  }

  async function restart(who: Who): Promise<ChatReply> {
    const region = (await store.getUser(who.channel, who.userId))?.region;
    const note = region ? `已清除之前的回答（地区仍按 ${region}，可以用 /region 更改）。` : '已清除之前的回答。';
    return step(who, fresh(), `${note}\n${CHECK_INTRO}`);
  }

  async function answer(who: Who, s: DialogueState, field: QuestionField, value: OptionValue): Promise<ChatReply> {
    await apply(who, s, field, value);
    s.pending = null;
    return step(who, s, '好的，已记下。');
  }

  function skip(who: Who, s: DialogueState, field: QuestionField): Promise<ChatReply> {
    if (!s.skipped.includes(field)) s.skipped.push(field);
    s.pending = null;
    return step(who, s, '好的，这一题先跳过。');
  }

  return {
    isCallback: (data) => data.startsWith('ck:'),

    async awaitsAnswer(who) {
      const s = await load(who);
      return s.active && s.pending !== null;
    },

    async start(who, preface) {
      const s = await load(who);
      s.skipped = [];
      s.pending = null;
      s.asked = 0;
      return step(who, s, [preface, CHECK_INTRO].filter(Boolean).join('\n'));
    },

    async handleText(who, text) {
      const t = text.trim().replace(/[。.！!]+$/u, '');
      const s = await load(who);
      if (RESTART_WORDS.has(t) && (s.active || s.step > 0)) return restart(who);
      if (SHOW_INELIGIBLE_WORDS.has(t) && s.step > 0 && !s.active) return ineligible(who);
      const group = SHOW_GROUP_WORDS.get(t);
      if (group && s.step > 0 && !s.active) return wholeGroup(who, group);
      if (!s.active || !s.pending) {
        // A number right after the results is a late option press, not a question for the engine.
        const at = (await store.getCheckState(who.channel, who.userId))?.updatedAt ?? 0;
        if (s.step > 0 && /^\d{1,2}$/.test(t) && now() - at < 30 * 60_000) return reply(FINISHED_TEXT);
        return null;
      }
      if (EXIT_WORDS.has(t)) {
        s.active = false;
        s.pending = null;
        await save(who, s);
        return reply('好的，已结束核对。您的回答会保留，发送 /check 可以继续。');
      }
      if (SKIP_WORDS.has(t)) return skip(who, s, s.pending.field);
      // A bare number is an option press: one out of range gets the range, not a policy search.
      if (/^\d{1,2}$/.test(t) && s.pending.options.length && (Number(t) < 1 || Number(t) > s.pending.options.length)) {
        return reply(`请回复 1–${s.pending.options.length} 之间的序号，或回复「跳过」「重新开始」。`);
      }
      // A question asked meanwhile (「没有工作的人能领失业保险金吗？」) is a question, not an answer.
      if (looksLikeQuestion(t)) return null;
      const value = parseAnswer(s.pending.field, t, s.pending.options, today());
      if (value === null) return null;
      return answer(who, s, s.pending.field, value);
    },

    async handleCallback(input) {
      const m = CALLBACK_RE.exec(input.data);
      if (!m) return reply(STALE_CHECK_TEXT);
      if (input.data === 'ck:restart') return restart(input);
      if (input.data === 'ck:ineligible') return ineligible(input);
      if (input.data === 'ck:all:eligible' || input.data === 'ck:all:unknown') return wholeGroup(input, input.data === 'ck:all:eligible' ? 'eligible' : 'unknown');
      const s = await load(input);
      if (!s.active || !s.pending || Number(m[1]) !== s.step) return reply(STALE_CHECK_TEXT);
      if (m[2] === 'skip') return skip(input, s, s.pending.field);
      const option = s.pending.options[Number(m[2])];
      if (!option) return reply(STALE_CHECK_TEXT);
      return answer(input, s, s.pending.field, option.value);
    },

    async learn(who, text) {
      const facts = factsFromText(text, today());
      const places = placesInQuestion(text.normalize('NFKC'));
      const region = places.length === 1 ? places[0]! : null;
      if (Object.keys(facts).length === 0 && !region) return;
      const s = await load(who);
      const p: ProfileInput = { ...s.profile };
      if (region && region !== OTHER_REGION && !p.region) p.region = region;
      if (facts.graduationDate) p.graduationDate = facts.graduationDate;
      if (facts.employment) p.employment = facts.employment;
      if (facts.age !== undefined) p.age = facts.age;
      if (facts.sex) p.sex = facts.sex;
      if (facts.hiring?.length) p.hiring = [...new Set([...(p.hiring ?? []), ...facts.hiring])];
      if (facts.identities?.length) {
        const had = p.identities ?? [];
        p.identities = [...had, ...facts.identities.filter((g) => !had.includes(g))];
        // Hints do not close the list: other groups stay unknown unless the list was answered.
        if (!s.profile.identities || s.profile.identitiesComplete === false) p.identitiesComplete = false;
      }
      s.profile = p;
      await save(who, s);
    },
  };
}
