import { html, raw, type SafeHtml } from '../html.ts';

/**
 * The page shell shared by every HTML page. Styles are inline (helmet's default CSP allows
 * inline styles); scripts live in /static files so the CSP can forbid inline scripts.
 * Asset links are relative (`base` is '' at the root, '../' one level down) so the site
 * also works when a reverse proxy mounts it under a sub-path.
 */
const CSS = raw(`
:root { --fg:#1f2328; --muted:#59636e; --bg:#f6f8fa; --card:#fff; --line:#d1d9e0; --accent:#0b5cad; --hl:#fff3b0; --warn:#8a4b00; --warnbg:#fff4e0; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.7 -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
header.top { background:#0b5cad; color:#fff; padding:10px 16px; }
header.top a { color:#fff; text-decoration:none; font-weight:600; }
main { max-width: 860px; margin: 0 auto; padding: 16px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; margin:12px 0; }
.muted { color:var(--muted); font-size: 14px; }
.notice { background:var(--warnbg); color:var(--warn); border-radius:8px; padding:8px 12px; margin:8px 0; font-size:15px; }
h1 { font-size: 22px; line-height:1.4; margin: 8px 0; }
dl.meta { display:grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; font-size: 15px; }
dl.meta dt { color:var(--muted); }
dl.meta dd { margin:0; overflow-wrap:anywhere; }
nav.attachments h2 { font-size:16px; margin:12px 0 4px; } nav.attachments ol { margin:0; padding-left:1.4em; font-size:15px; }
.para { position:relative; margin: 0; padding: 6px 10px; border-radius:6px; scroll-margin-top: 30vh; overflow-wrap: anywhere; }
.para.heading { font-weight:700; margin-top: 10px; }
.para .hp { display:none; font-size: 13px; color: var(--muted); font-weight: 400; }
.para:target, .para.is-target { background: var(--hl); box-shadow: inset 4px 0 0 #e0a800; }
.para:target .hp, .para.is-target .hp { display:block; }
.para .pid { float:right; margin-left:8px; font-size:12px; color:var(--muted); text-decoration:none; }
footer { max-width:860px; margin: 0 auto; padding: 16px; font-size: 13px; color: var(--muted); }
@media (max-width: 600px) { main { padding: 10px; } h1 { font-size: 19px; } body { font-size: 15px; } }
`);

export function page(opts: { title: string; base: string; body: SafeHtml; scripts?: string[]; extraCss?: SafeHtml }): string {
  return `<!doctype html>${html`<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${opts.title}</title>
<style>${CSS}${opts.extraCss ?? ''}</style>
</head>
<body>
<header class="top"><a href="${opts.base || './'}">人社政策问答 policybot</a></header>
${opts.body}
<footer>回答仅摘录自收录的政策文件，具体以当地人社部门解释为准；政策咨询可拨打 12333。</footer>
${(opts.scripts ?? []).map((s) => html`<script src="${opts.base}static/${s}" defer></script>`)}
</body>
</html>`.value}`;
}

/** A friendly error page in Chinese (404, 500 …); never includes error details. */
export function errorPage(status: number, message: string, base = '/'): string {
  return page({
    title: status === 404 ? '页面不存在' : '出错了',
    base,
    body: html`<main><div class="card"><h1>${status === 404 ? '页面不存在' : '出错了'}</h1><p>${message}</p><p><a href="${base}">返回首页提问</a></p></div></main>`,
  });
}
