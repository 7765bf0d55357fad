import { html, raw } from '../html.ts';
import { page } from './layout.ts';

export const EXAMPLE_QUESTIONS = [
  '我是去年毕业的大学生，现在打零工，能拿社保补贴吗？',
  '创业担保贷款的额度是多少？',
  '领取失业保险金需要满足什么条件？',
  '灵活就业人员怎么参加养老保险？',
];

const CHAT_CSS = raw(`
#chat { display:flex; flex-direction:column; gap:10px; min-height: 40vh; }
.msg { max-width: 100%; scroll-margin-bottom: 120px; }
.preview { margin-top: 8px; border-left: 3px solid #0b5cad; background: #f4f8fd; padding: 6px 10px; border-radius: 6px; font-size: 14px; }
.preview-head { font-weight: 600; }
.preview-path { color: var(--muted); font-size: 13px; }
.preview-text { margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.clear { font: inherit; font-size: 13px; background: none; border: 1px solid var(--line); border-radius: 8px; padding: 2px 10px; color: var(--muted); cursor: pointer; }
.chat-tools { display: flex; justify-content: flex-end; margin: 4px 0; }
.msg.user { align-self:flex-end; background:#0b5cad; color:#fff; border-radius:12px 12px 2px 12px; padding:8px 12px; max-width: 85%; overflow-wrap:anywhere; }
.msg.bot { background:#fff; border:1px solid var(--line); border-radius:12px 12px 12px 2px; padding:10px 14px; }
.msg.bot .text { white-space: pre-wrap; overflow-wrap:anywhere; }
.msg.bot a.cite { text-decoration:none; font-size: 13px; vertical-align: super; padding: 0 1px; }
.msg.error { background:#fdecea; color:#8a1c13; border-radius:10px; padding:8px 12px; }
.sources { margin: 8px 0 0; padding-left: 0; list-style: none; font-size: 14px; }
.sources li { margin: 4px 0; }
.sources .src-meta { color: var(--muted); }
.understood { font-size: 13px; color: var(--muted); margin-bottom: 4px; }
.related-heading { margin-top: 10px; font-size: 14px; font-weight: 600; color: #8a5a00; }
.sources.related { border-left: 3px solid #e0c080; padding-left: 8px; }
.warnings .notice { font-size: 14px; }
.feedback { margin-top: 8px; display:flex; gap: 8px; align-items:center; font-size: 14px; color: var(--muted); }
.feedback button { font-size: 18px; background:none; border:1px solid var(--line); border-radius: 8px; padding: 2px 10px; cursor:pointer; }
.feedback button[disabled] { opacity: .5; cursor: default; }
.choices { display:flex; flex-wrap:wrap; gap:8px; margin-top: 10px; }
.choice { border:1px solid var(--accent, #1a5fb4); color: var(--accent, #1a5fb4); background:#fff; border-radius: 8px; padding: 6px 14px; font-size: 15px; cursor:pointer; min-height: 36px; }
.choice[disabled] { opacity: .5; cursor: default; }
.check-results { white-space: normal; }
.check-facts { margin: 0 0 6px; color: var(--muted); font-size: 14px; }
.check-group h3 { font-size: 15px; margin: 10px 0 4px; }
.check-card { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; margin: 4px 0; font-size: 14px; overflow-wrap: anywhere; }
.check-name { font-weight: 600; }
.check-eligible .check-card { border-left: 3px solid #2e7d32; }
.check-unknown .check-card { border-left: 3px solid #b26a00; }
.check-cond, .check-part, .check-note { color: var(--muted); }
.suggestions { display:flex; flex-wrap:wrap; gap:6px; margin-top: 8px; }
.why { display:flex; flex-wrap:wrap; gap:6px; align-items:center; margin-top: 6px; font-size: 13px; }
.why button, .feedback button.copy { font-size: 13px; }
.chips { display:flex; flex-wrap:wrap; gap:8px; margin: 8px 0 12px; }
.chip { border:1px solid var(--line); background:#fff; border-radius: 16px; padding: 4px 12px; font-size: 14px; cursor:pointer; color: var(--fg); }
form.ask { position: sticky; bottom: 0; background: var(--bg); padding: 10px 0; display:flex; gap: 8px; }
form.ask textarea { flex:1; font: inherit; padding: 8px 10px; border:1px solid var(--line); border-radius: 10px; resize: vertical; min-height: 44px; max-height: 30vh; }
form.ask button { font: inherit; background:#0b5cad; color:#fff; border:0; border-radius:10px; padding: 0 18px; cursor:pointer; }
form.ask button[disabled] { background:#7a9cc6; cursor: wait; }
.loading { color: var(--muted); font-size: 14px; }
.msg.drafting { color: var(--muted); white-space: pre-wrap; }
.loading::after { content: '…'; animation: dots 1s steps(3, end) infinite; }
@keyframes dots { 0% { content: '.'; } 33% { content: '..'; } 66% { content: '...'; } }
`);

/** The web chat: one page, no framework; /static/app.js talks to /api/chat and /api/feedback. */
export function chatPage(opts: { documents: number; model?: string | null }): string {
  const intro = opts.model
    ? '您好！我可以回答就业、创业、社保方面的政策问题。回答由大模型根据政策原文整理，每句都核对过出处，点 [1] [2] 这样的标记可以查看原文段落。'
    : '您好！我可以回答就业、创业、社保方面的政策问题。每句回答都摘自政策原文，点 [1] [2] 这样的标记可以查看原文段落。';
  const body = html`<main>
<div class="card">
<p>${intro}</p>
<p class="muted">目前收录 ${opts.documents} 份政策文件。没有找到依据时，我会直接告诉您，不会编造。想知道自己能申请哪些补贴，发送 /check；也可以看<a href="measures">政策措施一览</a>。</p>
<div class="chips" id="examples" aria-label="示例问题">${EXAMPLE_QUESTIONS.map((q) => html`<button type="button" class="chip">${q}</button>`)}</div>
</div>
<div class="chat-tools"><button type="button" id="clear" class="clear">清空对话</button></div>
<div id="chat" aria-live="polite"${opts.model ? raw(' data-stream="1"') : ''}></div>
<form class="ask" id="ask-form">
<textarea id="question" name="question" rows="2" maxlength="500" placeholder="请输入您的问题，例如：灵活就业人员的社会保险补贴给哪些人？" aria-label="问题" required></textarea>
<button type="submit" id="send">提问</button>
</form>
</main>`;
  return page({ title: '人社政策问答', base: '', body, scripts: ['app.js'], extraCss: CHAT_CSS });
}
