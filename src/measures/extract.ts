import type { Paragraph, PolicyDocument } from '../types.ts';
import { isFieldRow, splitSentences } from '../text/sentences.ts';
import { statedEndDates } from '../text/dates.ts';
import { TARGET_GROUPS, type Amount, type Condition, type Measure, type MeasureParts, type Recipient, type TargetGroup } from './types.ts';
import { EXAMPLE_SENTENCE, parseAmounts } from './amounts.ts';
import { groupsOf } from './groups.ts';
import { applicationDeadline, conditionsOf } from './conditions.ts';
import { findNames, headingName, isMeasureHeading, kindOf, MEASURE_HEADS, normaliseName } from './names.ts';

/**
 * documents → Measure[] (rule-based, no model). Two ways a measure is stated:
 * 1. as a list of headings, each naming a measure, with its paragraphs below (18b:
 *    「一、灵活就业社保补贴」 + its paragraph) — when at least half of a run of sibling headings
 *    name a benefit, every sibling is one measure, stated in its first paragraph;
 * 2. inside a sentence (003 p19: 「…实现灵活就业的,按规定给予社会保险补贴」): the measure's span is
 *    the clause naming it, the conditional clauses before it (…的, / 对…,) and the clauses after it
 *    up to the next name.
 * One measure per (document, name); `url` is left empty here and filled when the catalog is read.
 */

/** Labelled parts of a measure (政策清单 and 办事指南 write them on their own lines), by field. */
const PART_LABELS: Array<[keyof MeasureParts, RegExp]> = [
  ['materials', /^(?:申请|申报|所需|提交|需提供的?|办理)?(?:材料|资料)(?:清单)?[:：]\s*/u],
  ['process', /^(?:[\u4e00-\u9fff]{0,4}申(?:领|请|报)(?:方式|渠道|流程|程序|途径)|办理(?:流程|程序|渠道|地点|方式)|经办(?:机构|部门)|受理(?:部门|地点|机构)|申请)[:：]\s*/u],
  ['contact', /^(?:咨询|联系)(?:电话|方式)[:：]\s*/u],
  ['legalBasis', /^(?:文件|政策)?依据[:：]\s*/u],
];

/** A worked example (补贴测算, 「例：某企业招用3人…」) explains an amount; it states no measure of its own. */
export const WORKED_EXAMPLE = /^(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]?\s*)?(?:补贴测算|测算示例|计算示例|测算|举例|示例|例如|比如|计算公式|计算方法|例)\s*[一二三四五六七八九十\d]*\s*[:：]/u;
const underExample = (p: Paragraph) => WORKED_EXAMPLE.test(p.text.trim().replace(/^[【[]([\u4e00-\u9fff]{2,8})[】\]]\s*/u, '$1：')) || p.headingPath.some((h) => /测算|示例|举例/.test(h));

/** 「【申请材料】身份证…」「[支持对象]…」: a label in brackets is written as 「申请材料：身份证…」. */
const unbracketed = (text: string) => text.trim().replace(/^[【[]([\u4e00-\u9fff]{2,8})[】\]]\s*/u, '$1：');

/** The labelled part a line states, with the text after its label (and the items a bare label introduces). */
function partOf(text: string): [keyof MeasureParts, string] | null {
  const t = unbracketed(text);
  for (const [field, re] of PART_LABELS) {
    const m = re.exec(t);
    if (m) return [field, t.slice(m[0].length)];
  }
  return null;
}

function collectParts(body: readonly Paragraph[]): MeasureParts | undefined {
  const parts: MeasureParts = {};
  let open: keyof MeasureParts | null = null;
  for (const p of body) {
    const hit = partOf(p.text);
    if (hit) {
      const [field, rest] = hit;
      parts[field] = parts[field] ? `${parts[field]}；${rest}` : rest;
      open = rest ? null : field;
    } else if (open && /^\s*(?:[（(]?\d{1,2}[）)．.、]|[①-⑳]|[（(][一二三四五六七八九十]+[）)])/.test(p.text)) {
      parts[open] = parts[open] ? `${parts[open]}；${p.text.trim()}` : p.text.trim();
    } else open = null;
  }
  for (const k of Object.keys(parts) as Array<keyof MeasureParts>) if (!parts[k]) delete parts[k];
  return Object.keys(parts).length ? parts : undefined;
}

/** Lines under a measure heading that are not about who gets what (how to apply, links). */
const PROCEDURE_LINE = /^(?:[\u4e00-\u9fff]{0,6}申(?:领|请)方式|网址|办理(?:渠道|地点|流程)|咨询电话|联系电话)[:：]/;
/** 「面向单位的扶持政策」 / 「面向毕业生的扶持政策」: section labels that say who receives the measures below. */
const AUDIENCE_LABEL = /^面向(.{1,8}?)的.{0,6}政策[:：]?$/;
const ITEM_TITLE = /^\s*\d+[.、．]/;

const EMPLOYER_SUBJECT = /(?:用人单位|企业|单位|合作社|家庭农场|社会组织|基地)[^，,。；;]{0,12}?(?:招用|吸纳|安置|开展|组织|同等享受|留用)/;
const EMPLOYER_OBJECT = /对[^，,。；;]{0,30}(?:小微企业|企业|用人单位)[，,]|给予(?:用人单位|单位|企业)/;
/** 「按每人每月1500元给予见习单位…补贴」「…补贴拨付给见习单位」: paid to a unit (not to its staff). */
const PAID_TO_UNIT = /(?:给予|拨付给|发放给|拨付至|发放至|支付给)[\u4e00-\u9fff]{0,4}?(?:用人单位|单位|企业|基地)(?![\u4e00-\u9fff]{0,2}(?:职工|员工|人员|对公))/u;
/** 「见习基地可向市公共就业服务机构提出申请」: the unit applies, so the unit receives. */
const EMPLOYER_APPLIES = /(?:用人单位|企业|单位|基地)(?:可|应|应当|可以)?向[^，,。；;]{0,20}(?:提出|申请)/;

export function guessRecipient(text: string, name: string): Recipient {
  if (/稳岗|扩岗|吸纳|招用|安置|留用|^小微企业|^(?:用人单位|单位|企业)/.test(name)) return 'employer';
  if (EMPLOYER_SUBJECT.test(text) || EMPLOYER_OBJECT.test(text) || EMPLOYER_APPLIES.test(text) || PAID_TO_UNIT.test(text)) return 'employer';
  return 'individual';
}

/**
 * 「补贴对象：符合条件的用人单位」/「补贴对象：符合条件的创业者」: a list item that says whom it pays decides
 * the recipient outright; null when there is no such line or it names neither.
 */
const TARGET_LINE = /^(?:补贴|补助|资助|扶持|支持|申请|贷款|办理|享受|适用|服务|返还|支持)?对象[:：](.*)$/;
function statedRecipient(body: readonly Paragraph[]): Recipient | null {
  for (const p of body) {
    const m = TARGET_LINE.exec(unbracketed(p.text));
    if (!m) continue;
    // The head of the 对象 phrase decides: 「…的见习单位」「符合条件的小微企业」 pay a unit; 「应届毕业生（含…），与在杭
    // 单位签订…」 or 「高校毕业生在杭首次创办企业…」 pay a person (the unit or firm there is not the subject).
    // 「在…首次创办小微企业、个体工商户或民办非企业单位，并担任法定代表人…的创业人员」: the noun after the last 的 of
    // the first sentence is who it is for.
    const sentence = m[1]!.split(/[。；;]/u)[0]!;
    const tail = sentence.includes('的') ? sentence.slice(sentence.lastIndexOf('的') + 1).split(/[，,（(]/u)[0]!.trim() : '';
    if (tail && /人员|个人|创业者|毕业生|劳动者|学生|青年|职工|农民工|军人|残疾人/u.test(tail)) return 'individual';
    if (tail && /(?:单位|企业|机构|基地|组织|合作社)$/u.test(tail)) return 'employer';
    const head = m[1]!.split(/[，,（(；;。]/u)[0]!;
    if (/(?:单位|企业|机构|基地|组织|合作社)(?:等)?$/u.test(head) && (/的/u.test(head) || head.length <= 8)) return 'employer';
    if (/人员|个人|创业者|毕业生|劳动者|学生|青年|职工|农民工|军人|残疾人/.test(head)) return 'individual';
    if (/单位|企业|机构|基地|组织/.test(m[1]!)) return 'employer';
    if (/人员|个人|创业者|毕业生|劳动者|学生|青年/.test(m[1]!)) return 'individual';
  }
  return null;
}

function audienceRecipient(label: string): Recipient | null {
  if (/单位|企业|雇主/.test(label)) return 'employer';
  if (/毕业生|个人|劳动者|求职|群众|学生/.test(label)) return 'individual';
  return null;
}

function durationOf(text: string): Measure['duration'] {
  const m = /期限(?:最长|累计)?(?:不超过|不得超过|为)?\s*(\d+)\s*(个月|年)/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return { text: m[0], months: m[2] === '年' ? n * 12 : n };
}

function latest(dates: string[]): string | null {
  return [...dates].sort().reverse()[0] ?? null;
}

interface Draft {
  name: string;
  recipient: Recipient;
  paragraph: Paragraph;
  /** The text the measure's groups, amounts and conditions are read from. */
  span: string;
  /** Per-paragraph pieces of the span, for conditions quoted with their paragraph. */
  pieces: Array<{ paragraphId: string; text: string; list?: 'all' | 'any' }>;
  amounts: Amount[];
  validUntil: string | null;
  parts?: MeasureParts | undefined;
  /** Read from an FAQ answer that names nothing, under a question naming the measure: only adds to one stated elsewhere. */
  fromQuestion?: boolean;
}

/** Groups a measure lists, excluding the ones that are employment forms or employers (they become other conditions). */
const NOT_IDENTITY: ReadonlySet<TargetGroup> = new Set(['灵活就业人员', '新就业形态', '创业者', '小微企业', '用人单位']);

/**
 * 「其中，符合以下条件之一的，补贴标准提高到1.5万元」「借款人为高校毕业生的可再上浮20%」: a higher tier for some says
 * how much more they get, not who may apply; its clauses (and the 「…的」 clause it hangs on) give no groups or conditions.
 */
const TIER = /提高到|提高至|提高为|上浮|可再|增加到|增加至|增至|加发|翻番/u;
function withoutTiers(text: string): string {
  let inTierList = false;
  return text
    .split(/(?<=[。；;\n])/u)
    .map((sentence) => {
      // The items of a list a tier introduces (「…提高到1.5万元：（1）…；（2）…」) are the tier's too.
      if (inTierList && /^\s*(?:[（(][\d一二三四五六七八九十]{1,2}[）)]|[①-⑩])/u.test(sentence)) return '';
      inTierList = false;
      if (!TIER.test(sentence)) return sentence;
      inTierList = /[：:]\s*(?:[（(][\d一二三四五六七八九十]{1,2}[）)]|[①-⑩])/u.test(sentence);
      const clauses = sentence.split(/(?<=[，,：:])/u);
      const at = clauses.findIndex((c) => TIER.test(c));
      // The tier's own condition: the 「…的」 clauses right before it, and a list it introduces (「…提高到1.5万元：（1）…」).
      let from = at;
      while (from > 0 && /(?:的|之一的)[，,]$/u.test(clauses[from - 1]!)) from--;
      if (from > 0 && /^其中[，,]$/u.test(clauses[from - 1]!)) from--;
      return clauses.slice(0, from).join('');
    })
    .join('');
}

function finish(doc: PolicyDocument, d: Draft): Measure {
  const groups = groupsOf(withoutTiers(d.span), d.recipient);
  const identity = groups.filter((g) => !NOT_IDENTITY.has(g));
  const conditions: Condition[] = [];
  // 「符合条件的个人创业者和小微企业」: a loan a person or a small enterprise may take; being a 小微企业 is one way in, not a requirement.
  const forBothBorrowers = kindOf(d.name) === 'loan' && /个人|创业者/u.test(d.span);
  for (const piece of d.pieces) {
    const text = withoutTiers(piece.text);
    if (!text.trim()) continue;
    const own = groupsOf(text, d.recipient).filter((g) => identity.includes(g));
    for (const c of conditionsOf(text, piece.paragraphId, { recipient: d.recipient, groups: own, smallEnterprise: groups.includes('小微企业') && !forBothBorrowers })) {
      if (c.type !== 'group' && conditions.some((o) => o.type === c.type)) continue;
      conditions.push(piece.list ? { ...c, list: piece.list } : c);
    }
  }
  if (d.recipient === 'individual' && groups.includes('创业者') && !conditions.some((c) => c.type === 'employment')) {
    // Quoted from the piece that says it, with that piece's paragraph.
    const founding = /创办|自主创业|创业者|创业项目/;
    const piece = d.pieces.find((x) => founding.test(x.text));
    const m = piece ? founding.exec(piece.text) : null;
    if (piece && m) conditions.push({ type: 'employment', forms: ['self_employed'], text: clauseAround(piece.text, m.index), paragraphId: piece.paragraphId });
  }
  return {
    id: `${doc.docId}#${d.paragraph.id}:${d.name.replace(/[^\p{L}\p{N}]/gu, '')}`,
    name: d.name,
    kind: kindOf(d.name),
    recipient: d.recipient,
    groups,
    conditions,
    amounts: d.amounts,
    duration: durationOf(d.span),
    validUntil: d.validUntil,
    applicationDeadline: applicationDeadline(d.span),
    ...(d.parts ? { parts: d.parts } : {}),
    docId: doc.docId,
    docTitle: doc.title,
    docDate: doc.date,
    region: d.paragraph.region ?? doc.region,
    issuer: doc.issuer,
    docNumber: doc.docNumber,
    paragraphId: d.paragraph.id,
    url: '',
    sourceText: d.paragraph.text,
  };
}

function clauseAround(text: string, at: number): string {
  let s = at;
  while (s > 0 && !/[，,。；;]/.test(text[s - 1]!)) s--;
  let e = at;
  while (e < text.length && !/[，,。；;]/.test(text[e]!)) e++;
  return text.slice(s, e);
}

/** Runs of sibling headings where at least half name a benefit → heading-mode measures. */
function headingMeasures(doc: PolicyDocument): { drafts: Draft[]; covered: Set<string> } {
  const drafts: Draft[] = [];
  const covered = new Set<string>();
  const siblings = new Map<string, number[]>();
  doc.paragraphs.forEach((p, i) => {
    if (!p.isHeading) return;
    const key = p.headingPath.join('\u0001');
    siblings.set(key, [...(siblings.get(key) ?? []), i]);
  });
  // Audience labels apply to the headings after them.
  const audienceAt: Array<Recipient | null> = [];
  let audience: Recipient | null = null;
  doc.paragraphs.forEach((p, i) => {
    const label = AUDIENCE_LABEL.exec(p.text.trim());
    if (label) audience = audienceRecipient(label[1]!) ?? audience;
    audienceAt[i] = audience;
  });

  for (const indexes of siblings.values()) {
    if (indexes.length < 2) continue;
    const named = indexes.filter((i) => isMeasureHeading(doc.paragraphs[i]!.text)).length;
    if (named * 2 < indexes.length) continue;
    for (const i of indexes) {
      const h = doc.paragraphs[i]!;
      const depth = h.headingPath.length;
      const body: Paragraph[] = [];
      const labelled: Paragraph[] = [];
      for (let j = i + 1; j < doc.paragraphs.length; j++) {
        const p = doc.paragraphs[j]!;
        if (p.headingPath[depth] !== h.text) break;
        covered.add(p.id);
        labelled.push(p);
        if (p.isHeading || PROCEDURE_LINE.test(unbracketed(p.text)) || AUDIENCE_LABEL.test(p.text.trim()) || /^https?:\/\//.test(p.text.trim())) continue;
        // What to bring and how to apply are parts of the measure, not who gets what; nor is a worked example.
        if (partOf(p.text) || underExample(p)) continue;
        body.push(p);
      }
      if (body.length === 0) continue;
      // 「五、其他服务事项」「注意事项」 among benefit headings: a catch-all section, not a programme (unlike 「公共就业创业
      // 服务」 or 「应征入伍服义务兵役」), unless its text names a benefit or states an amount.
      const catchAll = /事项|其他|其它|说明|要求|附则/u.test(headingName(h.text));
      if (catchAll && !isMeasureHeading(h.text) && !body.some((p) => findNames(p.text).length > 0 || parseAmounts(p.text).length > 0)) continue;
      covered.add(h.id);
      const name = headingName(h.text);
      const span = body.map((p) => p.text).join('\n');
      const recipient = audienceAt[i] ?? statedRecipient(body) ?? guessRecipient(body[0]!.text, name);
      drafts.push({
        name,
        recipient,
        paragraph: body[0]!,
        span,
        pieces: listPieces(body),
        amounts: parseAmounts(span, name),
        validUntil: latest(body.flatMap((p) => statedEndDates(p.text))),
        parts: collectParts(labelled),
      });
    }
  }
  return { drafts, covered };
}

/**
 * Numbered list items (（1）… （2）…) after a lead-in: its words say the logic. 「符合以下条件之一」: alternatives,
 * read as one piece; 「同时符合以下全部条件」「须符合下列条件」: each item is a condition of its own, all required.
 * Items with no lead-in are alternatives (as 18b writes them).
 */
function listPieces(body: Paragraph[]): Draft['pieces'] {
  const out: Draft['pieces'] = [];
  let logic: 'all' | 'any' | null = null;
  for (const p of body) {
    const last = out[out.length - 1];
    const item = LIST_ITEM.test(p.text);
    if (!item) logic = LIST_LEAD.test(p.text) ? listLogic(p.text) : null;
    if (item && logic === 'all') out.push({ paragraphId: p.id, text: p.text, list: 'all' });
    else if (last && /^\s*[（(]\d+[）)]/.test(p.text) && /^\s*[（(]\d+[）)]/.test(last.text)) last.text += `\n${p.text}`;
    else out.push({ paragraphId: p.id, text: p.text, ...(item && logic === 'any' ? { list: 'any' as const } : {}) });
  }
  return out;
}

/** 「符合以下条件之一」「下列情形之一」 → any; 「同时符合」「全部」「下列条件」 → all (what a list of conditions means unless it says 之一). */
function listLogic(leadIn: string): 'all' | 'any' {
  return /之一|任一|任意一|其中一|一项即可|一种/u.test(leadIn) ? 'any' : 'all';
}

interface Clause {
  text: string;
  start: number;
  end: number;
}

function clausesOf(sentence: string): Clause[] {
  const out: Clause[] = [];
  let start = 0;
  for (let i = 0; i <= sentence.length; i++) {
    if (i === sentence.length || /[，,；;：:]/.test(sentence[i]!)) {
      if (i > start) out.push({ text: sentence.slice(start, i), start, end: i });
      start = i + 1;
    }
  }
  return out;
}

/** 「用人单位招用就业困难人员、小微企业招用毕业年度高校毕业生…的,全额补贴…社会保险费」: one measure per employer clause. */
const FULL_SOCIAL_INSURANCE = /全额补贴[^，,。；;]{0,12}?(?:实际缴纳的)?社会保险费/;

function socialInsuranceForHiring(sentence: string, paragraph: Paragraph): Draft[] {
  const full = FULL_SOCIAL_INSURANCE.exec(sentence);
  if (!full) return [];
  const head = sentence.slice(0, full.index).replace(/[，,]\s*$/, '');
  const conditionStart = Math.max(head.lastIndexOf('。'), 0);
  const condition = head.slice(conditionStart).replace(/的$/, '');
  const amounts = parseAmounts(sentence.slice(full.index));
  const out: Draft[] = [];
  for (const part of condition.split(/、(?=[^、，,]{0,10}招用)/)) {
    const m = /^(.*?)(?:[（(][^）)]*[）)])?招用(.+)$/.exec(part);
    if (!m) continue;
    const subject = m[1]!;
    const object = m[2]!.replace(/的$/, '');
    const name = /小微企业/.test(subject) ? '小微企业社会保险补贴' : `吸纳${object.split(/[、和及]/)[0]}社会保险补贴`;
    out.push({
      name,
      recipient: 'employer',
      paragraph,
      span: part,
      pieces: [{ paragraphId: paragraph.id, text: part }],
      amounts,
      validUntil: null,
    });
  }
  return out;
}

/**
 * A benefit a unit must pay its own people (「见习单位应当每月向见习人员提供…生活补贴」, 「能够…提供…的生活补贴」,
 * 「见习基地先行支付生活补贴」) is an obligation of that unit, not a measure anyone can apply for.
 */
const OBLIGATION = /(?:应当|应|能够|须|必须|先行)[^，,。；;]{0,20}(?:提供|支付|发放)[^，,。；;]{0,24}$/;
/**
 * Lists of instruments rather than measures: what a fund is used for (「就业专项资金用于…的补贴，…贷款贴息」),
 * and a government's toolbox (「采取税费减免、贷款贴息、社会保险补贴、岗位补贴等办法」).
 */
const FUND_USE = /(?:资金|基金)(?:主要)?(?:用于|可用于)/;
const TOOLBOX = /采取[^。；;]*?等(?:办法|措施|方式|手段|途径)/;
/**
 * In a law a benefit is often named only by its category (岗位补贴, 社会保险补贴, 贷款贴息, 税收优惠, 公益性岗位):
 * the concrete measure is set by the policies that implement it. Such generic names are not catalogued
 * from laws; a qualified one (一次性创业补贴, 职业技能鉴定补贴, 灵活就业社会保险补贴) is.
 */
const GENERIC_IN_LAW = /^(?:一次性)?(?:岗位|小额|小额担保|社会保险|失业保险|培训|鉴定)?(?:补贴|补助|贷款|贴息|贷款贴息|税收优惠)$|^公益性岗位$/;

/** 「并符合以下条件的，可申请创业担保贷款。」: the numbered paragraphs that follow are the conditions. */
const LIST_LEAD = /(?:以下|下列|如下)[^，,。；;]{0,6}条件/;
const LIST_ITEM = /^\s*(?:\d+[.、．]|[（(][\d一二三四五六七八九十]+[）)]|[①②③④⑤⑥⑦⑧⑨⑩])/;

function listAfter(doc: PolicyDocument, index: number): Paragraph[] {
  const out: Paragraph[] = [];
  for (let j = index + 1; j < doc.paragraphs.length; j++) {
    const q = doc.paragraphs[j]!;
    if (q.isHeading || !LIST_ITEM.test(q.text) || findNames(q.text).length > 0) break;
    out.push(q);
  }
  return out;
}

/** The lead-in and numbered items that end right before paragraph `index` (items in order), if any. */
function listBefore(doc: PolicyDocument, index: number): { items: Paragraph[]; logic: 'all' | 'any' } | null {
  const items: Paragraph[] = [];
  for (let j = index - 1; j >= 0; j--) {
    const q = doc.paragraphs[j]!;
    if (q.isHeading) return null;
    if (LIST_ITEM.test(q.text) && findNames(q.text).length === 0) {
      items.unshift(q);
      continue;
    }
    return items.length && LIST_LEAD.test(q.text) ? { items, logic: listLogic(q.text) } : null;
  }
  return null;
}

const hasPersonGroup = (text: string, recipient: Recipient) => groupsOf(text, recipient).some((g) => !NOT_IDENTITY.has(g));

/**
 * The paragraphs of an FAQ answer before paragraph `index` (under the same question, naming no measure):
 * 「离校2年内未就业高校毕业生…可参加就业见习…」 then 「就业见习补贴按每人每月1400元…」.
 */
function answerContext(doc: PolicyDocument, index: number): Paragraph[] {
  const p = doc.paragraphs[index]!;
  const question = p.headingPath[p.headingPath.length - 1];
  if (!question || !/[？?]$/u.test(question)) return [];
  const out: Paragraph[] = [];
  for (let j = index - 1; j >= 0; j--) {
    const q = doc.paragraphs[j]!;
    if (q.isHeading || q.headingPath[q.headingPath.length - 1] !== question) break;
    if (findNames(q.text).length > 0) break;
    out.unshift(q);
  }
  return out;
}

function sentenceMeasures(doc: PolicyDocument, covered: Set<string>): Draft[] {
  const drafts: Draft[] = [];
  doc.paragraphs.forEach((p, pi) => {
    sentenceMeasuresOf(doc, p, pi, covered, drafts);
  });
  return drafts;
}

/** The column of a table row that names the measure, and the ones that say who, how much and on what terms. */
const ROW_NAME = /^(?:补贴|补助|政策|扶持|资助|项目)?(?:项目|名称|类别|类型)(?:名称)?$/u;
const ROW_WHO = /对象|人群|范围/u;
const ROW_AMOUNT = /标准|金额|额度|数额/u;

/**
 * A table row kept with its headers (「补贴项目：一次性创业补贴；补贴对象：…；补贴标准：每户5000元；申请条件：…」)
 * is one measure named by its name column: structure first, the sentence rules are for prose.
 */
function rowMeasure(p: Paragraph): Draft | null {
  if (!isFieldRow(p.text) && !keyedRow(p.text)) return null;
  // 「支持标准：初级1000元；中级1500元；高级2000元」: a piece without a key of its own goes on the field before it.
  const fields: Array<{ key: string; value: string }> = [];
  for (const f of p.text.split(/[；;]/u).map((x) => x.trim()).filter(Boolean)) {
    const at = f.search(/[：:]/u);
    const last = fields[fields.length - 1];
    if (!KEYED.test(f) && last) last.value += `；${f}`;
    else fields.push({ key: at < 0 ? '' : f.slice(0, at).trim(), value: f.slice(at + 1).trim() });
  }
  const nameField = fields.find((f) => ROW_NAME.test(f.key));
  if (!nameField || !new RegExp(`(?:${MEASURE_HEADS})$`, 'u').test(nameField.value.replace(/[（(][^）)]*[）)]$/u, ''))) return null;
  const name = normaliseName(nameField.value.replace(/[（(][^）)]*[）)]$/u, ''), p.text);
  const who = fields.find((f) => ROW_WHO.test(f.key));
  const amountText = fields.filter((f) => ROW_AMOUNT.test(f.key)).map((f) => f.value).join('；') || p.text;
  const recipient = (who && statedRecipient([{ ...p, text: `对象：${who.value}` }])) ?? guessRecipient(p.text, name);
  return {
    name,
    recipient,
    paragraph: p,
    span: p.text,
    pieces: [{ paragraphId: p.id, text: p.text }],
    amounts: parseAmounts(amountText, name),
    validUntil: latest(statedEndDates(p.text)),
  };
}

/** A field of a row: a short key, then its colon (「支持标准：…」). */
const KEYED = /^[^：:，,。]{1,12}[：:]/u;

/** 「序号：1；政策名称：…；支持标准：初级1000元；中级1500元」: a row whose cells may hold 「；」 themselves. */
function keyedRow(text: string): boolean {
  const parts = text.split(/[；;]/u).map((x) => x.trim()).filter(Boolean);
  return parts.filter((x) => KEYED.test(x)).length >= 3 && KEYED.test(parts[0] ?? '');
}

/** A question that refers to the measure just discussed (该补贴, 此项补贴, 这项政策, 上述贷款). */
const POINTS_BACK = /(?:该|此|这|上述|本)(?:项|类|笔|个)?(?:补贴|补助|贷款|政策|待遇|资金|资助)/u;

/** The names of the nearest earlier FAQ question that names a measure (questions only, no answer text). */
function previousQuestionNames(doc: PolicyDocument, index: number): ReturnType<typeof findNames> {
  const own = doc.paragraphs[index]!.headingPath[doc.paragraphs[index]!.headingPath.length - 1];
  for (let j = index - 1; j >= 0; j--) {
    const q = doc.paragraphs[j]!;
    if (!q.isHeading || q.text === own || !/[？?]$/u.test(q.text)) continue;
    const names = findNames(q.text);
    if (names.length) return names;
    if (!POINTS_BACK.test(q.text)) return [];
  }
  return [];
}

/** An FAQ answer that says yes: 「答：可以申请。」「能。」「符合条件的可以享受」. */
const AFFIRMATIVE_ANSWER = /^(?:答[:：])?\s*(?:可以|能|是的|有的|符合条件的?[^，,。；;]{0,10}可以)(?:申请|享受|领取|办理)?[。，,！!]/u;

function sentenceMeasuresOf(doc: PolicyDocument, p: Paragraph, pi: number, covered: Set<string>, drafts: Draft[]): void {
  if (p.isHeading || covered.has(p.id) || underExample(p)) return;
  const row = rowMeasure(p);
  if (row) {
    drafts.push(row);
    return;
  }
  const sentences = splitSentences(p.text);
  const question = p.headingPath[p.headingPath.length - 1];
  if (question && /[？?]$/u.test(question) && !sentences.some((x) => findNames(x).length > 0)) {
    // 「问四：哪些人可以申请个人创业担保贷款？」「答：城镇登记失业人员、…可以申请。」: the answer is about the measure the
    // question names, though it does not repeat the name.
    // 「问：该补贴能拿多少钱？」 after 「问：…能申请一次性创业补贴吗？」: a question that points back is about the
    // measure the question before it named.
    const asked = findNames(question).length || !POINTS_BACK.test(question) ? findNames(question) : previousQuestionNames(doc, pi);
    // 「问：…能申请一次性创业补贴吗？」「答：可以申请。该补贴面向…」: an FAQ's yes to a question that names one measure
    // offers that measure; a no, or a question naming several, only adds to measures stated elsewhere.
    const offered = asked.length === 1 && AFFIRMATIVE_ANSWER.test(p.text);
    for (const hit of asked) {
      const name = normaliseName(hit.raw, p.text);
      drafts.push({
        name,
        recipient: guessRecipient(p.text, name),
        paragraph: p,
        span: p.text,
        pieces: [{ paragraphId: p.id, text: p.text }],
        amounts: parseAmounts(p.text, name),
        validUntil: null,
        ...(offered ? {} : { fromQuestion: true }),
      });
    }
    return;
  }
  /** Measures named so far in this paragraph: a later sentence with only a bare 贷款/补贴 refers back to the last. */
  const inParagraph: Draft[] = [];
  /** 「（二）重点群体创业税收优惠。自办理…按每户每年20000元为限额…」: an item titled by a name is that measure throughout. */
  let titled: Draft | null = null;
  /** Sentences read as the items of an inline list (「…之一：A；B；C。」). */
  const consumed = new Set<number>();
  sentences.forEach((sentence, si) => {
    if (consumed.has(si) || EXAMPLE_SENTENCE.test(sentence)) return;
    // 「7.全面落实吸纳就业补贴政策。」 is the item's title, not a statement of a measure.
    if (si === 0 && ITEM_TITLE.test(sentence) && sentence.length <= 30) return;
    if (/^[（(]?责任单位/.test(sentence)) return;
    if (FUND_USE.test(sentence)) return;
    const special = socialInsuranceForHiring(sentence, p);
    drafts.push(...special);
    const clauses = clausesOf(sentence);
    const clauseOf = (at: number) => Math.max(0, clauses.findIndex((c) => at >= c.start && at < c.end));
    const hits = findNames(sentence).filter((h) => {
      if (OBLIGATION.test(sentence.slice(clauses[clauseOf(h.start)]!.start, h.start))) return false;
      // 「一次性扩岗补助与一次性吸纳就业补贴不重复享受」: a rule about measures named elsewhere, not an offer.
      if (NO_DOUBLE.test(clauses[clauseOf(h.start)]!.text)) return false;
      if (TOOLBOX.test(sentence.slice(0, h.start)) && /^[、和及与]|^等(?:办法|措施|方式|手段|途径)/.test(sentence.slice(h.end).replace(/^[^、和及与等，,。；;]*/, ''))) return false;
      return true;
    });
    if (hits.length === 0) {
      // 「带动就业5人及以上就业的，贷款额度最高50万元。」「按贷款实际利率的50%给予财政贴息。」: a bare head
      // noun of the same kind continues the measure named just before in the paragraph.
      const last = inParagraph[inParagraph.length - 1];
      if (last && special.length === 0 && (refersBack(sentence, last.name) || last === titled)) {
        last.span += `\n${sentence}`;
        last.pieces.push({ paragraphId: p.id, text: sentence });
        last.amounts.push(...parseAmounts(sentence, last.name));
      }
      return;
    }
    const hitClauses = new Set(hits.map((h) => clauseOf(h.start)));
    for (const hit of hits) {
      const ci = clauseOf(hit.start);
      let j = ci;
      // Conditions before the name: clauses ending in 的/后/时 (…的,给予X), starting with 对 (对…,给予X), or
      // continuing such a clause (「A、B自主创业自筹资金不足，并符合以下条件的，可申请X」).
      while (j > 0 && !hitClauses.has(j - 1) && (CONDITIONAL_END.test(clauses[j - 1]!.text.trim()) || ADDRESSEE.test(unnumbered(clauses[j - 1]!.text)) || /^(?:并|且|同时|而且|以及|与其|为其|对其)/.test(clauses[j]!.text.trim()))) j--;
      // 「在武汉市首次创办…，取得营业执照满6个月且正常经营，并同时符合…的人员，可申请X」: before a continuation, the
      // clauses that state a condition (创办, 取得, 满6个月 …) belong to it.
      if (j < ci) while (j > 0 && !hitClauses.has(j - 1) && CONDITION_WORDS.test(clauses[j - 1]!.text) && !/^(?:为|根据|按照|各地|各级)/u.test(unnumbered(clauses[j - 1]!.text))) j--;
      // 「对首次创办…（含…），且…以上的退役军人、…，给予X」: an addressee clause further back opens the span too.
      for (let a = j - 1; a >= 0 && !hitClauses.has(a); a--) {
        if (ADDRESSEE.test(unnumbered(clauses[a]!.text))) {
          j = a;
          break;
        }
      }
      let k = ci;
      while (k + 1 < clauses.length && !hitClauses.has(k + 1)) k++;
      const span = sentence.slice(clauses[j]!.start, clauses[k]!.end);
      const name = normaliseName(hit.raw, span);
      if (doc.kind === 'law' && GENERIC_IN_LAW.test(name)) continue;
      const nameClause = clauses[ci]!.text;
      const draft: Draft = {
        name,
        // The name as written may say who receives it (用人单位留用补贴) where the normalised one no longer does.
        recipient: guessRecipient(sentence, hit.raw) === 'employer' ? 'employer' : guessRecipient(sentence, name),
        paragraph: p,
        span,
        pieces: [{ paragraphId: p.id, text: span }],
        amounts: parseAmounts(span, name),
        validUntil: latest(statedEndDates(nameClause)),
      };
      if (LIST_LEAD.test(span) && /[：:][^：:]*$/u.test(span) && si + 1 < sentences.length) {
        // 「…符合以下条件之一的人员，可申请X，标准为…：毕业5年内高校毕业生；登记失业…；退役军人。」: the list is inline.
        const list = listLogic(span);
        // The first item is in the name's sentence, after the colon.
        const colon = span.search(/[：:][^：:]*$/u);
        draft.pieces[0] = { paragraphId: p.id, text: span.slice(0, colon + 1) };
        if (span.slice(colon + 1).trim()) draft.pieces.push({ paragraphId: p.id, text: span.slice(colon + 1), list });
        for (let n = si + 1; n < sentences.length && findNames(sentences[n]!).length === 0; n++) {
          consumed.add(n);
          draft.span += `\n${sentences[n]}`;
          draft.pieces.push({ paragraphId: p.id, text: sentences[n]!, list });
        }
      } else if (LIST_LEAD.test(span)) {
        const list = listLogic(span);
        for (const q of listAfter(doc, pi)) {
          draft.span += `\n${q.text}`;
          draft.pieces.push({ paragraphId: q.id, text: q.text, list });
          draft.amounts.push(...parseAmounts(q.text, name));
        }
      } else if (/^(?:符合|满足|具备)(?:上述|以上|前述|这些)?(?:条件|要求)的/u.test(span.trim())) {
        // 「申请人须同时满足以下条件：①…②…」 then 「符合条件的，个人可申请…贷款」: the list just before is its conditions.
        const before = listBefore(doc, pi);
        if (before) {
          for (const q of before.items) {
            draft.span += `\n${q.text}`;
            draft.pieces.push({ paragraphId: q.id, text: q.text, list: before.logic });
          }
        }
      }
      if (!hasPersonGroup(draft.span, draft.recipient)) {
        // An FAQ answer in several paragraphs: whom it is for may be said in the answer's paragraphs before.
        for (const q of answerContext(doc, pi)) {
          draft.span = `${q.text}\n${draft.span}`;
          draft.pieces.unshift({ paragraphId: q.id, text: q.text });
        }
      }
      drafts.push(draft);
      inParagraph.push(draft);
      if (si === 0 && hits.length === 1 && ITEM_NAME_TITLE.test(sentence) && sentence.replace(/[。．.\s]+$/u, '').endsWith(hit.raw)) titled = draft;
    }
  });
}

/** A clause ending a condition: 「…的」「…后」「…时」, or a relative noun phrase 「符合条件的人员」「…的企业」. */
const CONDITIONAL_END = /(?:的|后|时)$|的(?:人员|企业|单位|个人|劳动者|创业者|毕业生|群体|对象|青年)$/u;
/** Words that state a condition (what one must have done or be). */
const CONDITION_WORDS = /创办|创业|取得|登记|注册|满\s*[\d一二三四五六七八九十半]|以上|以内|年内|之日起|签订|缴纳|参保|招用|吸纳|属于|具有|持有|首次/u;

/** A clause that only says measures exclude each other. */
const NO_DOUBLE = /不(?:得|能|可|予)?(?:就|对|按)?[^，,。；;]{0,10}?重复(?:享受|申领|领取)|不(?:能|可|得)同时(?:享受|申领|领取)|只能(?:选择)?(?:享受|申领)其中|择一享受|就高(?:原则|享受|执行)/u;

/** A numbered item's title that is a name only: 「（二）重点群体创业税收优惠。」「第七条 职业技能培训补贴。」. */
const ITEM_NAME_TITLE = /^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十百\d]{1,4}条)\s*[^，,。；;：:]{2,30}[。．.]?\s*$/u;

/** 「4.对在长沙市…」: a clause without the number of its item. */
const unnumbered = (t: string) => t.trim().replace(/^(?:\d{1,2}[.、．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)\s*/u, '');

/** A clause saying whom a measure is for: 「对…」, also after an enumerator (「一是对…」「此外，对…」). */
const ADDRESSEE = /^(?:(?:[一二三四五六七八九十]是|其[一二三四]|此外|另外|同时)?对|以及)/u;

/** A sentence naming no measure that speaks of the same kind of benefit as `name` with a bare noun (贷款…, 该补贴). */
function refersBack(sentence: string, name: string): boolean {
  if (/贷款$|贴息$/.test(name)) return /贷款|贴息/.test(sentence);
  if (/补贴$|补助$/.test(name)) return /(?:该|此项?|上述)(?:补贴|补助)|(?:补贴|补助)(?:标准|期限)/.test(sentence);
  return false;
}

/** One measure per name: later mentions add groups, amounts and conditions to the first. */
function mergeByName(doc: PolicyDocument, drafts: Draft[]): Measure[] {
  // 贷款贴息 stated beside a loan is part of that loan (003 p33: 创业担保贷款 … 贷款贴息).
  const loans = drafts.filter((d) => /贷款$/.test(d.name));
  const kept = drafts.filter((d) => {
    if (d.name !== '贷款贴息') return true;
    const loan = loans.find((l) => l.paragraph.id === d.paragraph.id);
    if (!loan) return true;
    loan.span += `\n${d.span}`;
    loan.amounts.push(...d.amounts);
    return false;
  });
  const byName = new Map<string, Measure>();
  // A question's answer adds to a measure the document states; it never makes one of its own.
  const stated = new Set(kept.filter((d) => !d.fromQuestion).map((d) => d.name));
  // Stated measures first, so a measure is dated and placed where it is stated.
  for (const d of [...kept.filter((x) => !x.fromQuestion), ...kept.filter((x) => x.fromQuestion && stated.has(x.name))]) {
    const m = finish(doc, d);
    const prev = byName.get(m.name);
    if (!prev) {
      byName.set(m.name, m);
      continue;
    }
    absorb(prev, m);
  }
  // Employer measures never list 用人单位 next to 小微企业 (a merge can bring both).
  for (const m of byName.values()) if (m.groups.includes('小微企业')) m.groups = m.groups.filter((g) => g !== '用人单位');
  // A loan for persons that small enterprises may take too (个人/小微企业创业担保贷款, one measure): what the small
  // enterprise must be is its way in, not a requirement on the person.
  for (const m of byName.values()) {
    if (m.kind !== 'loan' || m.recipient !== 'individual') continue;
    m.conditions = m.conditions.filter((c) => c.type !== 'enterprise_size' && !(c.type === 'group' && c.groups.every((g) => g === '小微企业' || g === '用人单位')));
  }
  return foldMentions([...byName.values()]);
}

/** A later mention adds its groups, amounts and conditions to the measure it names. */
function absorb(prev: Measure, m: Measure): void {
  for (const g of m.groups) if (!prev.groups.includes(g)) prev.groups.push(g);
  for (const a of m.amounts) if (!prev.amounts.some((b) => b.value === a.value && b.unit === a.unit)) prev.amounts.push(a);
  for (const c of m.conditions) if (!prev.conditions.some((o) => o.type === c.type && o.text === c.text)) prev.conditions.push(c);
  prev.duration ??= m.duration;
  prev.applicationDeadline ??= m.applicationDeadline;
  if (m.parts) prev.parts = { ...m.parts, ...prev.parts };
  prev.validUntil = latest([prev.validUntil, m.validUntil].filter((x): x is string => x !== null));
}

/** Who a short name is for, not what it is: 「就业困难人员补贴期限」「个人贷款」「小微企业贷款额度」「人员补贴」. */
const WHO_PREFIX = new RegExp(`^(?:${[...TARGET_GROUPS, '个人', '用人单位', '单位', '企业', '人员', '见习人员', '借款人'].sort((a, b) => b.length - a.length).join('|')})`, 'u');
const BARE_HEAD = /^(?:补贴|补助|贷款|贴息)$/u;
const INSURANCE_PART = /^(?:基本)?(?:养老|医疗|失业|工伤)保险(?:费)?补贴$/u;

/**
 * Short names that refer to a measure the document states under a fuller name: a target group or
 * borrower type with a bare noun (「就业困难人员补贴期限最长3年」 in a flexible-employment notice,
 * 「个人贷款期限」 in a loan guide) continues the one measure of that kind; a shorter name without an
 * amount of its own (「生活补贴、租房补贴 | 浙里办APP」 in a table of where to apply) is the one measure
 * whose name contains it. Otherwise a bare reference names nothing and is dropped.
 */
function foldMentions(measures: Measure[]): Measure[] {
  const out = [...measures];
  for (const m of measures) {
    const others = out.filter((o) => o !== m);
    const bare = BARE_HEAD.test(m.name.replace(WHO_PREFIX, ''));
    let into: Measure | undefined;
    const loan = /贴息$/u.test(m.name) ? others.find((o) => o.kind === 'loan' && m.name === `${o.name}贴息`) : undefined;
    const subsidy = others.find((o) => o.paragraphId === m.paragraphId && (o.name === `${m.name}补贴` || o.name === `${m.name}补助`));
    // 「第一条 一次性求职创业补贴。对…，一次性给予3000元求职创业补贴。」: a shorter form of the name the same
    // paragraph states the measure under (公益性岗位补贴 … 岗位补贴) is that measure, with its amounts.
    const fuller = others.filter((o) => o.paragraphId === m.paragraphId && o.kind === m.kind && o.name.length > m.name.length && o.name.includes(m.name));
    if (loan) {
      // 「创业担保贷款贴息按季度结算」 where the document states 创业担保贷款: the interest subsidy is part of the loan.
      into = loan;
    } else if (fuller.length === 1) {
      into = fuller[0];
    } else if (subsidy) {
      // 「公益性岗位｜…｜每人每月1700元」 named both 公益性岗位 and 公益性岗位补贴 in one paragraph: the subsidy of that programme.
      into = subsidy;
    } else if (INSURANCE_PART.test(m.name)) {
      // 「基本养老保险补贴每人每月400元，基本医疗保险补贴每人每月160元」: the parts of a social-insurance subsidy.
      const whole = others.filter((o) => /社会保险补贴$/.test(o.name));
      if (whole.length !== 1) continue;
      into = whole[0];
    } else if (bare) {
      const sameKind = others.filter((o) => o.kind === m.kind && !BARE_HEAD.test(o.name.replace(WHO_PREFIX, '')));
      into = sameKind.length === 1 ? sameKind[0] : undefined;
      if (!into && m.amounts.length) continue;
    } else if (m.amounts.length === 0) {
      // A bare mention (no amount, no group: a table of where to apply) is the measure whatever its guessed recipient.
      const containing = others.filter(
        (o) => o.name.length > m.name.length && o.name.includes(m.name) && o.kind === m.kind && (o.recipient === m.recipient || m.groups.length === 0),
      );
      into = containing.length === 1 ? containing[0] : undefined;
      // 「（一）灵活就业社会保险补贴：申请人每半年…」 in a list of where to apply, 「税收优惠由税务部门按规定落实」: a
      // shorter name of several measures, with no amount of its own, refers to them; how to apply goes to each.
      if (!into && containing.length >= 2) {
        const process = processOf(m);
        if (process) for (const o of containing) o.parts = { ...o.parts, process: o.parts?.process ?? process };
        out.splice(out.indexOf(m), 1);
        continue;
      }
      if (!into) continue;
    } else continue;
    if (into) absorb(into, m);
    out.splice(out.indexOf(m), 1);
  }
  return out;
}

/** 「（一）灵活就业社会保险补贴：申请人每半年通过…提交申请」: the text after a named item label, when it says how to apply. */
function processOf(m: Measure): string | null {
  const at = m.sourceText.indexOf(`${m.name}：`);
  if (at < 0 || at > 8) return null;
  const rest = m.sourceText.slice(at + m.name.length + 1).trim();
  return /申请|申报|申领|提交|办理|受理/u.test(rest) ? rest : null;
}

/** 「政策名称：一次性求职补贴」 then 「补贴对象：…」「补贴标准：…」…: a record (明白卡, 政策清单 without numbering) opens with its name. */
const RECORD_NAME = /^(?:政策|项目|事项|补贴|扶持|服务)(?:名称|项目)[:：]\s*(.{2,30}?)[。.]?$/u;

/**
 * Records: each 「政策名称：X」 line and the labelled lines after it, up to the next record or heading, are one
 * measure named X, as a heading and its paragraphs are. Only a record naming a benefit is a measure
 * (「创业孵化基地奖补」 and 「职业介绍服务」 are not).
 */
function recordMeasures(doc: PolicyDocument, covered: Set<string>): Draft[] {
  const drafts: Draft[] = [];
  const starts = doc.paragraphs.flatMap((p, i) => (RECORD_NAME.test(p.text.trim()) && !covered.has(p.id) ? [i] : []));
  if (starts.length < 2) return drafts;
  starts.forEach((start, n) => {
    const end = starts[n + 1] ?? doc.paragraphs.length;
    const lines: Paragraph[] = [];
    for (let j = start + 1; j < end; j++) {
      const p = doc.paragraphs[j]!;
      if (p.isHeading || !/^[^：:]{2,8}[：:]/u.test(unbracketed(p.text)) || underExample(p)) break;
      lines.push(p);
    }
    const head = doc.paragraphs[start]!;
    covered.add(head.id);
    for (const p of lines) covered.add(p.id);
    const raw = RECORD_NAME.exec(head.text.trim())![1]!;
    if (!isMeasureHeading(raw) || NOT_A_RECORD.test(raw)) return;
    const body = lines.filter((p) => !partOf(p.text) && !PROCEDURE_LINE.test(unbracketed(p.text)) && !/^(?:执行期限|有效期|政策期限)[:：]/u.test(p.text.trim()));
    if (!body.length) return;
    const name = normaliseName(raw, body.map((p) => p.text).join('\n'));
    const span = body.map((p) => p.text).join('\n');
    drafts.push({
      name,
      recipient: statedRecipient(body) ?? guessRecipient(body[0]!.text, name),
      paragraph: body[0]!,
      span,
      pieces: listPieces(body),
      amounts: parseAmounts(span, name),
      validUntil: latest(lines.flatMap((p) => statedEndDates(p.text))),
      parts: collectParts(lines),
    });
  });
  return drafts;
}
/** Awards to selected units (奖补, 奖励) are not measures one applies for. */
const NOT_A_RECORD = /奖补|奖励|示范/u;

/** The sections of a one-measure 办事指南, by their headings. */
const GUIDE_NAME = /^(?:事项名称|项目名称|政策名称|补贴名称)[:：]?\s*(.*)$/u;
const GUIDE_BODY = /^(?:办理|补贴|申请|适用|支持|服务|享受|扶持)?(?:对象|条件|标准|内容)$|^政策内容$|^补贴(?:标准|金额)$/u;
const GUIDE_PARTS: Array<[keyof MeasureParts, RegExp]> = [
  ['materials', /^(?:申请|申报|所需|办理|提交)?(?:材料|资料)(?:清单)?$/u],
  ['process', /^(?:办理|申请|申领|申报)(?:流程|程序|方式|渠道|地点|途径)$/u],
  ['contact', /^(?:咨询|联系)(?:电话|方式)$/u],
  ['legalBasis', /^(?:设定|政策|文件|办理)?依据$/u],
];

/**
 * 「一、事项名称」「一次性创业补贴。」「三、办理对象」…「四、申请条件」…「五、补贴标准」…: a 办事指南 of one measure, its parts
 * as numbered headings. The whole guide is that measure: who, conditions and amounts from the 对象/条件/标准 sections,
 * materials, process, contact and legal basis from theirs (a 补贴测算 section is a worked example).
 */
function guideMeasure(doc: PolicyDocument, covered: Set<string>): Draft[] {
  const ps = doc.paragraphs;
  const at = ps.findIndex((p) => p.isHeading && GUIDE_NAME.test(headingName(p.text)));
  if (at < 0) return [];
  const inline = GUIDE_NAME.exec(headingName(ps[at]!.text))![1]!.trim();
  const raw = (inline || (ps[at + 1] && !ps[at + 1]!.isHeading ? ps[at + 1]!.text : '')).replace(/[。.；;\s]+$/u, '');
  if (!isMeasureHeading(raw)) return [];
  const sectionOf = (p: Paragraph) => p.headingPath.map((h) => headingName(h)).find((h) => GUIDE_BODY.test(h) || GUIDE_PARTS.some(([, re]) => re.test(h)));
  const body = ps.filter((p) => !p.isHeading && !underExample(p) && GUIDE_BODY.test(sectionOf(p) ?? ''));
  if (!body.length) return [];
  const parts: MeasureParts = {};
  for (const p of ps) {
    const section = sectionOf(p);
    const field = section ? GUIDE_PARTS.find(([, re]) => re.test(section))?.[0] : undefined;
    if (field && !p.isHeading) parts[field] = parts[field] ? `${parts[field]}；${p.text.trim()}` : p.text.trim();
  }
  for (const p of ps) covered.add(p.id);
  const name = normaliseName(raw, body.map((p) => p.text).join('\n'));
  const span = body.map((p) => p.text).join('\n');
  const who = body.find((p) => /对象$/u.test(sectionOf(p) ?? ''));
  return [
    {
      name,
      recipient: (who && statedRecipient([{ ...who, text: `对象：${who.text}` }])) ?? guessRecipient(span, name),
      paragraph: body[0]!,
      span,
      pieces: listPieces(body),
      amounts: parseAmounts(span, name),
      validUntil: latest(body.flatMap((p) => statedEndDates(p.text))),
      ...(Object.keys(parts).length ? { parts } : {}),
    },
  ];
}

export function extractFromDocument(doc: PolicyDocument): Measure[] {
  if (doc.kind === 'news') return [];
  const { drafts, covered } = headingMeasures(doc);
  drafts.push(...guideMeasure(doc, covered));
  const records = recordMeasures(doc, covered);
  return mergeByName(doc, [...drafts, ...records, ...sentenceMeasures(doc, covered)]);
}

/** The catalog of a corpus: policy, FAQ and law documents (news repeats policies and is skipped). */
export function extractMeasures(documents: readonly PolicyDocument[]): Measure[] {
  return documents.flatMap((d) => extractFromDocument(d));
}
