import type { PolicyDocument } from '../types.ts';

/**
 * The commands every channel understands, and the fixed texts of the conversation. A command
 * may carry a bot suffix (/help@policy_bot); a full-width slash (／) counts too, since Chinese
 * input methods type it.
 */
export type CommandName = 'start' | 'help' | 'region' | 'sources' | 'feedback' | 'check' | 'forget';

export interface ParsedCommand {
  name: CommandName | 'unknown';
  /** The command as typed, without the slash and suffix (for the unknown-command reply). */
  raw: string;
  arg: string;
}

const KNOWN: readonly CommandName[] = ['start', 'help', 'region', 'sources', 'feedback', 'check', 'forget'];
const GREETINGS = new Set(['你好', '您好', 'hi', 'hello', '嗨', '哈喽']);
/** Questions about the bot itself get the introduction, not a search of the policies. */
const ABOUT_BOT = /^(?:你好[，,]?\s*)?(?:你是谁|你是什么|您是谁|你叫什么(?:名字)?|你能做什么|你可以做什么|你会什么|你有什么用|怎么用|如何使用)[?？吗呀啊]*$/u;

export function parseCommand(text: string): ParsedCommand | null {
  const t = text.trim().replace(/^／/u, '/');
  const m = /^\/([A-Za-z_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/u.exec(t);
  if (m) {
    const raw = m[1]!.toLowerCase();
    const name = (KNOWN as readonly string[]).includes(raw) ? (raw as CommandName) : 'unknown';
    return { name, raw, arg: (m[2] ?? '').trim() };
  }
  const bare = t.replace(/[!！。.~～\s]+$/u, '').toLowerCase();
  if (GREETINGS.has(bare) || ABOUT_BOT.test(bare)) return { name: 'start', raw: 'start', arg: '' };
  return null;
}

export const EXAMPLES = ['灵活就业人员的社会保险补贴给哪些人？', '城阳区对离校未就业高校毕业生有什么支持？', '失业保险金怎么领取？'];

export const START_TEXT = [
  '您好！我是人社政策问答助手，可以回答就业创业、社会保险、失业保险、养老保险等政策问题。每个回答都只摘录政策原文，并附上出处链接，方便您核对。',
  '',
  '可以这样问：',
  ...EXAMPLES.map((e) => `• ${e}`),
  '',
  '想知道自己能申请哪些补贴？发送 /check（或「我能领什么补贴」），我只问会影响结果的问题，再逐条核对政策条件。',
  '',
  '发送 /region 您所在的地区（例如 /region 青岛市城阳区），我会优先查找当地政策；发送 /help 查看全部用法。',
].join('\n');

export const HELP_TEXT = [
  '使用说明：直接用文字输入您的问题即可，例如「灵活就业人员的社会保险补贴给哪些人？」。',
  '',
  '追问：问完一个问题后，可以接着问「那城阳区呢？」「需要什么材料？」「怎么申请？」，我会结合上一个问题来回答。',
  '',
  '命令：',
  '/start — 功能介绍和示例问题',
  '/help — 本说明',
  '/region 地区 — 设置您所在的地区（/region 查看，/region 清除 清除）',
  '/check — 看看我能申请哪些补贴（只问会影响结果的问题，逐条核对条件）',
  '/sources — 我知道的政策文件',
  '/feedback 意见 — 对上一个回答提意见',
  '/forget — 删除本服务保存的您的全部记录（地区、提问、回答、反馈、补贴核对）',
  '',
  '回答只摘录政策原文，请以原文和当地人社部门的解释为准；也可拨打人社服务热线 12333。',
].join('\n');

export const EMPTY_TEXT = '请直接输入您的问题，例如「失业保险金怎么领取？」。发送 /help 查看用法。';
export const NON_TEXT_TEXT = '目前只支持文字提问，请用文字输入您的问题，例如「失业保险金怎么领取？」。';
export const RATE_LIMIT_TEXT = '提问太频繁了，请稍等一分钟再问。';
export const TIMEOUT_TEXT = '这次查询用时太长，请稍后再试，或把问题问得更具体一些。';
export const ERROR_TEXT = '抱歉，处理您的问题时出了点问题，请稍后再试。';
export const FEEDBACK_THANKS = '谢谢反馈！';
export const STALE_BUTTON_TEXT = '这个按钮已经失效了，请重新提问后再评价。';

export function tooLongText(chars: number, max: number): string {
  return `问题太长了（${chars}字），请精简到${max}字以内再问。`;
}

export function unknownCommandText(raw: string): string {
  return `没有 /${raw} 这个命令。\n\n${HELP_TEXT}`;
}

export function sourcesText(docs: readonly PolicyDocument[]): string {
  if (docs.length === 0) return '政策库里还没有文件。';
  const lines = docs.map((d, i) => {
    const meta = [d.issuer, d.date].filter(Boolean).join('，');
    return `${i + 1}. ${d.title}${meta ? `（${meta}）` : ''}`;
  });
  return [`我目前知道这 ${docs.length} 份政策文件和资料：`, '', ...lines].join('\n');
}
