import type { Citation } from '../answer/contract.ts';
import type { LlmMessage } from './model.ts';
import { NO_ANSWER } from './verify.ts';

/**
 * What the model is asked. Two short tasks: read the message (rewrite it into formal search
 * queries), and phrase an answer from numbered passages. The rules in the phrasing prompt are
 * the ones `verify.ts` enforces afterwards; the prompt only makes passing them likely.
 */
export function rewriteMessages(message: string, region: string | null): LlmMessage[] {
  return [
    {
      role: 'system',
      content: [
        '你是人社政策（就业、社会保险、创业扶持）检索助手。用户用口语提问，可能一次问几件事。',
        '把消息改写成1到3条简短、正式的检索语句，用政策文件里的说法（例如「失业保险金 申领条件」「灵活就业人员 社会保险补贴 标准」），每个问题一条，不要回答问题。',
        '同时给出每条问的是什么（amount 金额标准、condition 条件对象、materials 材料、process 流程渠道、duration 期限、contact 电话地址、other 其他）和消息里提到的地点（没有就写 null）。',
        '只输出一个JSON对象，不要解释：{"queries":["…"],"kinds":["…"],"place":null}',
      ].join('\n'),
    },
    { role: 'user', content: region ? `（用户所在地：${region}）\n${message}` : message },
  ];
}

export function phraseMessages(question: string, sources: readonly Citation[]): LlmMessage[] {
  const listed = sources
    .map((c, i) => `[${i + 1}] 《${c.title}》${[c.issuer, c.date].filter(Boolean).join('，') ? `（${[c.issuer, c.date].filter(Boolean).join('，')}）` : ''}${c.label}：${c.text}`)
    .join('\n');
  return [
    {
      role: 'system',
      content: [
        '你是人社政策咨询助手，只根据下面给出的编号资料回答，用简短、通俗的中文。',
        '规则：',
        '1. 每一句话末尾都用 [编号] 标出它依据的资料，例如「每月按最低工资标准的90%发放[1]。」；没有资料依据的话不要写。',
        '2. 金额、比例、日期、期限、电话、文号必须和资料原文完全一致，不要换算、估算或补充资料里没有的数字。',
        '3. 先直接回答问的内容，再补充必要的条件；不超过5句话；不要寒暄，不要重复问题。',
        `4. 如果资料不能回答这个问题，只回复「${NO_ANSWER}」。`,
      ].join('\n'),
    },
    { role: 'user', content: `问题：${question}\n\n资料：\n${listed}` },
  ];
}
