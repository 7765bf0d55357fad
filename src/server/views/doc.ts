import type { PolicyDocument } from '../../types.ts';
import { datedStatus } from '../../answer/warnings.ts';
import { html } from '../html.ts';
import { page } from './layout.ts';
import { UNKNOWN_REGION } from '../../text/gazetteer.ts';

const KIND_LABEL: Record<PolicyDocument['kind'], string> = { policy: '政策文件', law: '法律法规', faq: '问答', news: '新闻报道' };

/** Only http(s) links are shown as links; anything else in a corpus file stays text. */
function safeHref(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

/** How a person names a file's format, for the download link. */
export function formatName(file: string): string {
  const ext = file.replace(/^.*\./, '').toLowerCase();
  return ({ pdf: 'PDF', docx: 'Word', doc: 'Word', xlsx: 'Excel', csv: 'CSV', html: '网页', htm: '网页', txt: '文本', md: '文本' } as Record<string, string>)[ext] ?? ext.toUpperCase();
}

export interface DocLinks {
  /** The page this document is an attachment of. */
  parent?: PolicyDocument | undefined;
  /** This page's attachments. */
  attachments?: PolicyDocument[];
}

const TEXT_URL = /https?:\/\/[^\s）)」』，。、；<>"']+/gu;

/** A paragraph's text with the web addresses it states as links (escaped text, never markup from the file). */
function linkedText(text: string): Array<string | ReturnType<typeof html>> {
  const out: Array<string | ReturnType<typeof html>> = [];
  let last = 0;
  for (const m of text.matchAll(TEXT_URL)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(html`<a class="text-link" href="${m[0]}" rel="noopener noreferrer nofollow" target="_blank">${m[0]}</a>`);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The paragraph-anchored viewer: every paragraph is an element whose id is its paragraph id. */
export function docPage(doc: PolicyDocument, today: Date, links: DocLinks = {}): string {
  const dated = datedStatus(doc, doc.validUntil ? [doc.validUntil] : [], today);
  const notice =
    dated?.reason === 'ended'
      ? html`<div class="notice" role="note">本文件所述措施的执行期限至${dated.date}，现已到期，请向当地人社部门确认是否延续。</div>`
      : dated?.reason === 'old'
        ? html`<div class="notice" role="note">本${doc.kind === 'news' ? '报道' : '文件'}发布于${dated.date}，已超过两年，内容可能已有调整，请以最新政策为准。</div>`
        : null;
  const newsNotice = doc.kind === 'news' ? html`<div class="notice" role="note">这是一篇新闻报道，不是政策原文，具体以正式文件为准。</div>` : null;
  const href = safeHref(doc.sourceUrl);
  const row = (label: string, value: string | null) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : null);

  const paragraphs = doc.paragraphs.map(
    (p) => html`<p class="para${p.isHeading ? ' heading' : ''}" id="${p.id}" data-heading="${p.headingPath.join(' › ')}"><a class="pid" href="#${p.id}" title="本段链接">§${p.id.replace(/^p/, '')}</a>${
      p.headingPath.length ? html`<span class="hp">${p.headingPath.join(' › ')}</span>` : null
    }${linkedText(p.text)}</p>`,
  );

  const body = html`<main>
<article class="card">
<h1>${doc.title}</h1>
<dl class="meta">
${row('发文机关', doc.issuer)}${row('日期', doc.date)}${row('文号', doc.docNumber)}${row('地区', doc.region ?? UNKNOWN_REGION)}${row('类型', KIND_LABEL[doc.kind])}
${href ? html`<dt>原文</dt><dd><a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${href}</a></dd>` : null}
${links.parent ? html`<dt>所属文件</dt><dd class="parent">本文件是<a href="${links.parent.docId}">《${links.parent.title}》</a>的附件</dd>` : null}
<dt>原始文件</dt><dd><a class="download" href="${doc.docId}/original" download>下载${formatName(doc.file)}原件</a></dd>
</dl>
${links.attachments?.length ? html`<nav class="attachments" aria-label="附件"><h2>附件：</h2><ol>${links.attachments.map((a) => html`<li><a href="${a.docId}">${a.title}</a>（${formatName(a.file)}）</li>`)}</ol></nav>` : null}
${notice}${newsNotice}
</article>
<section class="card doc-body" aria-label="正文">
${paragraphs}
</section>
</main>`;
  return page({ title: `${doc.title} - 人社政策问答`, base: '../', body, scripts: ['viewer.js'] });
}
