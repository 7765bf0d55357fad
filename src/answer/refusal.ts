import type { AbstainReason } from '../retrieve/abstain.ts';
import { ABSTAIN_TEXT, HOTLINE } from './contract.ts';

/**
 * The text of a refusal: what was looked for and why nothing answers it, never a guess. The
 * closest provisions (if any) are listed by the channel under RELATED_HEADING.
 */
export function refusalText(reason: AbstainReason | null, opts: { question: string; hasRelated: boolean; latinOnly: boolean }): string {
  const hotline = `建议拨打人社服务热线 ${HOTLINE}，或咨询当地人力资源和社会保障部门。`;
  const related = opts.hasRelated ? '下面列出的是相关规定，供参考，不是对您问题的直接回答。' : '';
  if (opts.latinOnly) return `政策文件都是中文的，请用中文提问，例如「灵活就业人员的社会保险补贴给哪些人？」。Please ask in Chinese. ${ABSTAIN_TEXT}`;
  switch (reason?.code) {
    case 'empty':
    case 'no-content':
      return '请输入一个与就业、社保政策有关的问题，例如「灵活就业人员的社会保险补贴给哪些人？」';
    case 'unknown-topic':
      // A matter another office handles (公积金, 个税, 护照): say who, not the 人社 hotline.
      return `抱歉，现有政策库里没有关于「${reason.topics.join('、')}」的文件，我不想拿无关的条文凑答案。${reason.refer ?? hotline}`;
    case 'task':
      return `我只能回答就业、社保方面的政策问题（补贴、失业金、社保、创业贷款等），并给出文件出处，不能帮您写代码、写文章。可以这样问：「灵活就业人员的社会保险补贴给哪些人？」政策问题也可以拨打人社服务热线 ${HOTLINE}。`;
    case 'no-regional-document':
      return `抱歉，现有政策库里没有${reason.place}的政策文件，无法确定当地的规定。${opts.hasRelated ? '下面列出的是其他地区的相关规定，仅供参考，不是对您问题的直接回答。' : ''}${hotline}`;
    case 'no-regional-topic':
      return `抱歉，现有政策库里没有找到${reason.place}关于「${reason.topic}」的规定，其他地方的文件不代表当地政策。${related}${hotline}`;
    case 'no-figure':
      return `抱歉，现有政策库里关于「${reason.topic}」的文件没有写明您问的${reason.quantity}。${related}${hotline}`;
    case 'no-regional-figure':
      return `抱歉，现有政策库里没有找到${reason.place}关于「${reason.topic}」的具体金额或标准。${related}${hotline}`;
    default:
      return `抱歉，现有政策库中没有找到能回答这个问题的内容，我不想拼凑无关的条文来回答。${related}${hotline}`;
  }
}
