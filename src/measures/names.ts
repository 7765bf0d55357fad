import type { MeasureKind } from './types.ts';
import { findPlaces } from '../text/gazetteer.ts';

/**
 * Measure names: where they are written and how they are normalised.
 *
 * A name ends in a benefit noun (HEADS: …补贴, …补助, …贷款, …贴息, …税收优惠, …稳岗返还,
 * …公益性岗位, …安家费). In running text the name is the run of characters in front of the
 * noun back to a verb or particle (给予 / 落实 / 享受 / 实施 / 的 / 、…), so
 * 「按规定落实职业培训补贴政策」 → 职业培训补贴. Then the lexicon below normalises it.
 */
const HEADS = '贷款贴息|税收优惠|稳岗返还|公益性岗位|安家费补贴|补贴|补助|贷款|贴息';
/** The benefit nouns a measure's name ends in. */
export const MEASURE_HEADS = HEADS;
const HEAD_RE = new RegExp(`(${HEADS})`, 'g');

/** Characters and words a name never extends over (to its left). */
const LEFT_STOPS = [
  // 「已由其他单位申领过一次性吸纳就业补贴」: 过 after the verb belongs to it.
  '申领过', '领取过', '享受过', '获得过',
  '给予', '落实', '享受', '发放', '实施', '执行', '继续', '参加', '开发', '创设', '加强', '组织', '开展', '做好', '提供',
  '申请', '申领', '办理', '按规定', '规定', '同等', '可以', '可', '并', '或', '和', '及', '与', '等', '对', '为', '将',
  '领取', '发给', '支付', '通过', '建立', '完善', '鼓励', '利用', '拓宽', '搜索', '骗取', '核拨', '先行', '符合', '没有', '同时',
  // Verbs of policy prose before a list of measures (「确保各项补贴及时足额发放」「用好稳岗返还」).
  '确保', '保障', '推动', '推进', '加大', '加快', '用好', '统筹', '优化',
  '最长', '最高', '最多', '每次', '提交', '提出', '确定', '根据', '咨询', '了解', '关心', '查询', '规范', '严禁', '防止', '每人', '每户', '每名', '获得', '获',
  // Negations, exclusions and pointers: 「不予补贴」「不纳入本通知补贴范围」「选择“…补贴申领”」「同一人员补贴期限」.
  '不予', '不纳入', '纳入', '选择', '进入', '点击', '同一', '其中', '本通知', '本办法', '本细则', '本政策', '只能', '不得', '不再', '重复', '一次(?!性)',
  '的', '了', '按', '以', '在', '于', '从', '至', '由', '向', '其', '除', '我市', '本市',
  // An amount before the name (「给予每人1000元一次性求职创业补贴」) ends at its unit.
  '元',
  // Enumerators of running prose: 「一是退役士兵创业税收优惠」.
  '[一二三四五六七八九十]是',
];
const LEFT_STOP_RE = new RegExp(`(?:${LEFT_STOPS.join('|')})(?!.*(?:${LEFT_STOPS.join('|')}))`);

/**
 * After the head: the noun is part of something else — money or people around it (补贴资金, 补贴金额,
 * 贷款余额, 担保基金), or the title of a form (…补贴申请表, …学员补贴花名册).
 * An attribute of a named measure (创业担保贷款申请对象, …贷款额度, …利率, 见习补贴期限) still names the
 * measure: a bare head (贷款额度) is dropped anyway, a qualified one is the measure it qualifies.
 */
const NOT_A_MEASURE_AFTER = /^(?:资金|余额|标准|金额|人员|基金|担保基金|发放|费用|花名册|申请表|申报表|审批表|登记表|明细表|汇总表|台账|”?为名|”?名义)/;
/**
 * Not employment measures: social-insurance benefits paid on death, injury or illness
 * (丧葬补助, 一次性伤残补助 …), private loans listed as disqualifying (住房贷款, 购车贷款 …),
 * funding lines of government (地方财政补贴, 政府补贴, 经费补贴), and awards to units recognised
 * as models (…示范基地补贴: like 003's 典型/载体 awards, they go to selected units, not to applicants who qualify).
 */
const NOT_A_MEASURE = /(?:累计|合计|总计|共计)(?:补贴|补助)$|丧葬|抚恤|伤残|死亡|医疗补助|伙食|(?:住房|购车|消费|助学|扶贫|其他)贷款$|财政补贴$|政府补贴$|经费补贴$|集体补助$|^骗取|示范/;
/** Names that only point at other measures (相关补贴, 上述补贴) or are the head alone. */
const GENERIC_PREFIX = /^(?:全额|支付|政府|各项|各类|多项|两项|两类|所有|全部|各种|相关|有关|上述|该|此类|这些|其他|其它|有关|同类|更高标准|财政|工作|培训|优惠|政策性)/;

/**
 * A name right after these is mentioned, not offered: an exclusion (「已享受公益性岗位补贴的人员，不纳入…」),
 * a refusal (「不予贴息」) or a ban on repeats (「不得重复享受…补贴」).
 */
const MENTIONED_AFTER = /(?:已(?:经)?[^，,。；;]{0,8}?(?:享受|领取|申领|获得)(?:过)?|正在享受|不予|不纳入|不得(?:重复)?(?:享受|申领)|不再(?:享受|发放)|未(?:享受|领取))$/u;

/** …相关补贴 / …有关补贴 anywhere in the name (骗取就业援助相关补贴) points at other measures too. */
const GENERIC_INSIDE = /相关|有关/;
/**
 * The field, not a measure: 「就业创业补贴」 names the whole family a guide or FAQ is about (「咨询就业创业补贴」
 * 「常用补贴事项」); so do 常用/主要/现行/下列/以下 … in front of a bare noun.
 */
const GENERIC_WHOLE = /^(?:就业|创业|就业创业|创业就业|稳就业)(?:补贴|补助)$|^(?:常用|主要|现行|下列|以下|如下|本项|各级|有关)(?:补贴|补助|贷款)$|^一次性(?:补贴|补助)$/u;

export interface NameHit {
  /** The name as written (e.g. 社会保险补贴, 技能提升补贴). */
  raw: string;
  /** Start and end of the raw name in the sentence. */
  start: number;
  end: number;
}

/** Measure names written in one sentence, outside book titles (《…职业技能提升补贴…目录》). */
export function findNames(sentence: string): NameHit[] {
  const out: NameHit[] = [];
  for (const m of sentence.matchAll(HEAD_RE)) {
    const end = m.index + m[0].length;
    if (insideBookTitle(sentence, m.index)) continue;
    if (NOT_A_MEASURE_AFTER.test(sentence.slice(end))) continue;
    // Left context: CJK characters only (punctuation, digits, brackets end a name).
    let s = m.index;
    while (s > 0 && m.index - s < 18 && /[\u4e00-\u9fff“”"]/.test(sentence[s - 1]!)) s--;
    let left = sentence.slice(s, m.index);
    // An opening quote not closed before the noun (「官网“补贴申领”专栏」) starts the name, if anything.
    const quote = left.lastIndexOf('“');
    if (quote >= 0 && !left.slice(quote).includes('”')) {
      s += quote + 1;
      left = sentence.slice(s, m.index);
    }
    const stop = LEFT_STOP_RE.exec(left);
    if (stop) {
      s += stop.index + stop[0].length;
      left = sentence.slice(s, m.index);
    }
    // A name cut off by a digit (3年期贷款) or starting mid-phrase is not a name.
    if (s > 0 && /[0-9A-Za-z]/.test(sentence[s - 1]!) && s === m.index - left.length && !stop) continue;
    const raw = left + m[0];
    if (NOT_A_MEASURE.test(raw) || /^[他者下上因年期]/.test(raw)) continue;
    if (MENTIONED_AFTER.test(sentence.slice(Math.max(0, s - 14), s))) continue;
    // A bare two-character noun (给予补贴, 申请贷款) names nothing; 贷款贴息 / 税收优惠 alone do.
    if ((left.length === 0 && m[0].length <= 2) || GENERIC_PREFIX.test(raw) || GENERIC_INSIDE.test(raw) || GENERIC_WHOLE.test(raw)) continue;
    // 贷款 directly followed by 贴息 is read as one name (贷款贴息) by the longer head.
    if (out.some((o) => o.start <= s && o.end >= end)) continue;
    out.push({ raw, start: s, end });
  }
  return out;
}

function insideBookTitle(text: string, at: number): boolean {
  const open = text.lastIndexOf('《', at);
  return open >= 0 && text.indexOf('》', open) > at;
}

/**
 * A place in front of a name (广州市创业担保贷款, 广东省…, 青岛市城阳区…) says where it applies, which the
 * measure's region already says: the name is the same measure everywhere. Only gazetteer places are cut
 * (粤东粤西粤北地区就业补贴 keeps its region: there the place is a condition), and never down to a bare head.
 */
function withoutPlacePrefix(name: string): string {
  let n = name;
  for (;;) {
    const first = findPlaces(n)[0];
    if (!first || first.index !== 0 || n.length - first.length < 4) return n;
    n = n.slice(first.length);
  }
}

/**
 * The normalisation lexicon (documented in README.md):
 * - 社保 → 社会保险 (18b writes 灵活就业社保补贴, 003 社会保险补贴);
 * - 社会保险补贴 for people in flexible employment → 灵活就业社会保险补贴;
 * - 技能提升补贴 → 职业技能提升补贴 (the name in Guangdong's list);
 * - a leading 用人单位 is dropped (用人单位安置就业困难残疾人稳岗补贴 → 安置就业困难残疾人稳岗补贴);
 * - a leading place is dropped (广州市创业担保贷款 → 创业担保贷款), and so is the recipient
 *   (用人单位留用补贴 → 留用补贴) or a loan's borrower type (个人/小微企业创业担保贷款 → 创业担保贷款);
 * - 见习补贴 → 就业见习补贴;
 * - numbering and trailing 政策/工作 of headings are dropped by headingName().
 */
export function normaliseName(raw: string, context = ''): string {
  let n = raw.replace(/^[“"](?![^”"]*[”"])/, '').replace(/社保/g, '社会保险').replace(/["“”]/g, (c) => (c === '"' ? '“' : c));
  n = withoutPlacePrefix(n);
  n = n.replace(/^(?:用人单位|企业|单位)(?=安置|吸纳|招用)/, '');
  // Who receives it is not part of the name: 给予用人单位留用补贴 → 留用补贴. A loan's borrower type is
  // not either: 个人创业担保贷款 / 小微企业创业担保贷款 are the one 创业担保贷款 (18b writes them under it).
  // 小微企业社会保险补贴 keeps its 小微企业: there the enterprise size is what distinguishes the measure.
  if (/贷款$/.test(n)) n = n.replace(/^(?:个人|小微企业|企业)(?=.{4,}$)/, '');
  else n = n.replace(/^(?:用人单位|单位|个人)(?=.{4,}$)/, '');
  if (n === '技能提升补贴') n = '职业技能提升补贴';
  // Documents write both 灵活就业社会保险补贴 and 灵活就业人员社会保险补贴 for the one measure.
  n = n.replace(/^灵活就业人员(?=社会保险补贴$)/, '灵活就业');
  if (n === '见习补贴') n = '就业见习补贴';
  if (n === '社会保险补贴' && /灵活就业|新就业形态|新业态/.test(context)) n = '灵活就业社会保险补贴';
  // 「小微企业招用…高校毕业生…的，…给予社会保险补贴」: the small enterprise hiring is what names the measure.
  else if (n === '社会保险补贴' && /^[^，,。；;]{0,6}小微企业[^，,。；;]{0,4}(?:招用|吸纳)/u.test(context)) n = '小微企业社会保险补贴';
  return n;
}

/** 「一、灵活就业社保补贴」 → 灵活就业社会保险补贴; 「（三）创业担保贷款」 → 创业担保贷款. */
export function headingName(heading: string): string {
  const bare = heading
    .replace(/^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十百]+[章条节])\s*/, '')
    .trim()
    // 「一、【一次性创业补贴】」: a name set in brackets, as policy lists write their items.
    .replace(/^[【〖[「]\s*([^】〗\]」]+?)\s*[】〗\]」]$/u, '$1');
  return normaliseName(bare);
}

/** A heading that names a benefit on its own (…补贴, …补助, …贷款 …). */
export function isMeasureHeading(heading: string): boolean {
  const n = headingName(heading);
  return n.length >= 3 && n.length <= 24 && new RegExp(`(?:${HEADS})$`).test(n) && !GENERIC_PREFIX.test(n);
}

export function kindOf(name: string): MeasureKind {
  if (/贷款|贴息/.test(name)) return 'loan';
  if (/税收|减免|税费/.test(name)) return 'tax';
  if (/意外伤害保险|商业保险|保险$/.test(name)) return 'insurance';
  // A hiring drive (事业单位公开招聘, 选聘) is not a benefit one applies for; a subsidised post (公益性岗位) is.
  if (/公开招聘|招聘会|招录|选聘|招考|招聘活动|招聘$/.test(name)) return 'recruitment';
  if (/岗位|服务项目|兵役|见习岗位/.test(name)) return 'job';
  if (/服务$|指导$|培训$/.test(name)) return 'service';
  return 'cash_subsidy';
}
