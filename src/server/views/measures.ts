import type { Measure } from '../../measures/types.ts';
import { groupsText, KIND_LABEL, type MeasureFilter } from '../../measures/view.ts';
import { TARGET_GROUPS } from '../../measures/types.ts';
import { html, raw } from '../html.ts';
import { page } from './layout.ts';
import { UNKNOWN_REGION } from '../../text/gazetteer.ts';

const CSS = raw(`
h2 { font-size: 18px; margin: 4px 0; }
ul.measures { list-style: none; padding: 0; margin: 0; }
ul.measures li { border-top: 1px solid var(--line); padding: 8px 0; }
.expired { color: var(--warn); background: var(--warnbg); border-radius: 6px; padding: 0 6px; font-size: 14px; }
form input, form select { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; max-width: 60vw; }
form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
form button { font: inherit; padding: 4px 12px; }
`);

/**
 * The measures catalog as a page (/measures[?region=…]): grouped by document, each measure with
 * who applies, amount, target groups, duration, validity and a link to its paragraph.
 */
export function measuresPage(measures: readonly Measure[], opts: { region: string | null; today: string; filter?: MeasureFilter; total?: number }): string {
  const f = opts.filter ?? {};
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${selected ? raw(' selected') : null}>${label}</option>`;
  const byDoc = new Map<string, Measure[]>();
  for (const m of measures) byDoc.set(m.docId, [...(byDoc.get(m.docId) ?? []), m]);
  const sections = [...byDoc.values()].map((ms) => {
    const d = ms[0]!;
    return html`<section class="card">
<h2><a href="docs/${encodeURIComponent(d.docId)}">${d.docTitle}</a></h2>
<p class="muted">${[d.issuer, d.docDate, d.docNumber, d.region ?? UNKNOWN_REGION].filter(Boolean).join(' · ')}</p>
<ul class="measures">${ms.map((m) => {
      const expired = m.validUntil !== null && m.validUntil < opts.today;
      return html`<li id="${m.id}"><strong>${m.name}</strong> <span class="muted">（${m.recipient === 'employer' ? '单位' : '个人'}申领 · ${KIND_LABEL[m.kind]}）</span>${
        expired ? html` <span class="expired">已到期（${m.validUntil}）</span>` : null
      }
<dl class="meta">${m.amounts.length ? html`<dt>金额</dt><dd>${m.amounts.map((a) => a.text).join('；')}</dd>` : null}${
        m.groups.length ? html`<dt>对象</dt><dd>${groupsText(m)}</dd>` : null
      }${m.duration ? html`<dt>期限</dt><dd>${m.duration.text}</dd>` : null}${m.validUntil && !expired ? html`<dt>有效期至</dt><dd>${m.validUntil}</dd>` : null}
<dt>原文</dt><dd><a href="docs/${encodeURIComponent(m.docId)}#${m.paragraphId}">${m.paragraphId}</a></dd></dl></li>`;
    })}</ul>
</section>`;
  });
  const body = html`<main>
<div class="card">
<h1>政策措施一览${opts.region ? `（${opts.region}）` : ''}</h1>
<p class="muted">从收录的政策文件中逐条摘出的补贴、贷款、岗位等措施，${opts.total !== undefined && opts.total !== measures.length ? `筛选出 ${measures.length} 项（共 ${opts.total} 项）` : `共 ${measures.length} 项`}；点「原文」查看出处段落。想知道自己能申请哪些，在聊天里发送 /check。</p>
<form class="filters" method="get" action="measures" role="search">
<label>搜索 <input name="q" value="${f.q ?? ''}" placeholder="例如 创业、见习" maxlength="30"></label>
<label>地区 <input name="region" value="${opts.region ?? ''}" placeholder="例如 广州市、青岛市城阳区" maxlength="30"></label>
<label>对象 <select name="group">${option('', '全部', !f.group)}${TARGET_GROUPS.map((g) => option(g, g, f.group === g))}</select></label>
<label>类型 <select name="kind">${option('', '全部', !f.kind)}${Object.entries(KIND_LABEL).map(([k, label]) => option(k, label, f.kind === k))}</select></label>
<label><input type="checkbox" name="active" value="1"${f.active ? raw(' checked') : null}> 只看未到期</label>
<button type="submit">筛选</button>
</form>
</div>
${sections.length ? sections : html`<div class="card">没有找到符合条件的措施。可以换个词，或去掉一些筛选条件。</div>`}
</main>`;
  return page({ title: '政策措施一览 - 人社政策问答', base: '', body, extraCss: CSS });
}
