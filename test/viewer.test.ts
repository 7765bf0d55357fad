import { describe, expect, it } from 'vitest';
import { docPage } from '../src/server/views/doc.ts';
import type { PolicyDocument } from '../src/types.ts';

const doc: PolicyDocument = {
  docId: 'viewer-doc', file: 'viewer.txt', title: '网上申请指引', issuer: '某市人力资源和社会保障局', docNumber: null, date: '2025-01-01',
  region: null, kind: 'faq', sourceUrl: null, validUntil: null, meta: {}, contentHash: 'x',
  paragraphs: [
    { id: 'p1', text: '登录https://www.example.gov.cn/ggfw/sbbt/index.html?from=doc&id=12，选择“社保补贴”办理。', headingPath: [], isHeading: false },
    { id: 'p2', text: '不要点击javascript:alert(1)这样的链接<script>alert(2)</script>', headingPath: [], isHeading: false },
  ],
};

describe('the document viewer', () => {
  it('makes the web addresses a paragraph states links, and nothing else', () => {
    const page = docPage(doc, new Date('2026-11-22'));
    expect(page).toContain('<a class="text-link" href="https://www.example.gov.cn/ggfw/sbbt/index.html?from=doc&amp;id=12" rel="noopener noreferrer nofollow" target="_blank">');
    expect(page).not.toContain('href="javascript:');
    expect(page).not.toContain('<script>alert(2)</script>');
    expect(page).toContain('&lt;script&gt;');
  });
});
