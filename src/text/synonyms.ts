/**
 * How people ask versus how policies are written. A question's colloquial words are
 * expanded with the formal terms of the documents (打零工 → 灵活就业, 社保 → 社会保险), so
 * that the offline lexical matcher finds the clause; a neural embedder benefits too.
 * Keys and values are simplified Chinese, as after normalisation.
 */
const GROUPS: Array<[string[], string[]]> = [
  [['打零工', '零工', '打工', '兼职', '自由职业', '跑外卖', '送外卖', '外卖员', '骑手', '跑腿', '网约车', '开滴滴', '快递员', '临时工', '散工', '灵活用工'], ['灵活就业']],
  [['大学生', '应届生', '毕业生', '应届毕业生', '大学毕业', '刚毕业', '研究生', '本科生', '专科生'], ['高校毕业生']],
  [['社保'], ['社会保险']],
  [['五险', '五险一金', '三险'], ['社会保险']],
  [['失业金', '失业救济', '失业补助'], ['失业保险金']],
  [['退休金', '养老钱'], ['基本养老金', '养老保险']],
  [['创业贷款', '创业贷', '小额贷款', '贴息贷款'], ['创业担保贷款']],
  [['公益岗'], ['公益性岗位']],
  [['实习', '见习岗位'], ['就业见习']],
  [['老板', '公司', '单位', '企业主'], ['用人单位']],
  [['没工作', '没有工作', '找不到工作', '失业了', '待业'], ['失业', '未就业']],
  [['残疾'], ['残疾人']],
  [['当兵', '退伍', '复员'], ['退役军人']],
  [['农村', '进城务工', '外来务工'], ['农民工']],
  [['低保'], ['最低生活保障']],
  [['仲裁', '告公司', '劳动纠纷', '欠薪', '拖欠工资', '讨薪'], ['劳动人事争议', '劳动争议', '拖欠']],
  [['补钱', '补助', '津贴', '奖励', '钱'], ['补贴']],
  [['拿', '领', '领取', '享受', '申领'], ['享受', '给予']],
  [['工伤'], ['工伤保险']],
  [['生孩子', '生育'], ['生育保险']],
  [['转移社保', '社保转移', '转社保'], ['转移接续', '关系转移']],
  [['补交', '补缴社保'], ['补缴']],
  // Questions about a document's metadata use other words than its 发文字号/发文机关 table.
  [['文号', '发文号', '文件号', '文件编号'], ['发文字号']],
  [['哪个部门发', '谁发的', '发文单位', '发布单位', '哪个单位发'], ['发文机关']],
  [['咨询电话', '联系电话', '热线', '打什么电话', '电话'], ['咨询电话', '政策咨询电话']],
  // 「有年龄限制吗」: age limits are written as 「不超过55周岁」.
  [['年龄', '岁数', '年纪', '多大'], ['周岁']],
];

const INDEX = new Map<string, string[]>();
for (const [colloquial, formal] of GROUPS) {
  for (const c of colloquial) INDEX.set(c, [...new Set([...(INDEX.get(c) ?? []), ...formal])]);
}
const KEYS = [...INDEX.keys()].sort((a, b) => b.length - a.length);

/** Formal terms for each colloquial expression found in normalised text (longest first). */
export function expansions(norm: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let rest = norm;
  for (const k of KEYS) {
    if (!rest.includes(k)) continue;
    const formal = INDEX.get(k)!.filter((f) => !norm.includes(f));
    if (formal.length) out.set(k, formal);
    rest = rest.split(k).join(' ');
  }
  return out;
}
