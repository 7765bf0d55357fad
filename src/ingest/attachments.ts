import path from 'node:path';
import type { PolicyDocument } from '../types.ts';

/**
 * A 通知 page and its attachments belong together. An attachment names its page by a sidecar
 * (`parent: 通知.html` in `附件1.meta.yml`), or lives in the page's folder: `通知_files/`,
 * `通知.files/`, `通知_附件/`, `通知附件/` or `通知/` beside `通知.html` (as browsers and
 * download tools save a page with its files). The attachment inherits what it does not state
 * itself: issuer, 文号, date, region and the page's address.
 */
const FOLDER_SUFFIX = /(?:_files|\.files|_附件|-附件|附件)$/u;
const PAGE_EXT = /\.(?:html?|txt|md|markdown)$/i;

/** Candidate page paths (without extension) for a file in a folder, by the folder conventions. */
function folderPageBases(rel: string): string[] {
  const dir = path.posix.dirname(rel);
  if (dir === '.') return [];
  const parentDir = path.posix.dirname(dir);
  const folder = path.posix.basename(dir);
  const bases = [folder.replace(FOLDER_SUFFIX, ''), folder].filter(Boolean);
  return [...new Set(bases)].map((b) => (parentDir === '.' ? b : `${parentDir}/${b}`));
}

export function linkAttachments(documents: PolicyDocument[], sidecarParents: ReadonlyMap<string, string | undefined> = new Map()): void {
  const byFile = new Map(documents.map((d) => [d.file, d]));
  const pagesByBase = new Map<string, PolicyDocument>();
  for (const d of documents) if (PAGE_EXT.test(d.file)) pagesByBase.set(d.file.replace(PAGE_EXT, ''), d);
  for (const d of documents) {
    let parent: PolicyDocument | undefined;
    const named = sidecarParents.get(d.docId);
    if (named) {
      const dir = path.posix.dirname(d.file);
      parent = byFile.get(path.posix.normalize(path.posix.join(dir, named))) ?? byFile.get(path.posix.normalize(named));
    }
    if (!parent && !PAGE_EXT.test(d.file)) parent = folderPageBases(d.file).map((b) => pagesByBase.get(b)).find(Boolean);
    if (!parent || parent === d || parent.attachmentOf) continue;
    d.attachmentOf = parent.docId;
    parent.attachments = [...(parent.attachments ?? []), d.docId];
    d.issuer ??= parent.issuer;
    d.docNumber ??= parent.docNumber;
    d.date ??= parent.date;
    d.sourceUrl ??= parent.sourceUrl;
    if (!d.region || (parent.region && d.region === '全国' && parent.region !== '全国')) d.region = parent.region;
    d.meta = { ...d.meta, 附件所属: parent.title };
  }
  // The page lists its attachments in their file order (附件1, 附件2 …).
  const fileOf = new Map(documents.map((d) => [d.docId, d.file]));
  for (const d of documents) if (d.attachments) d.attachments.sort((a, b) => (fileOf.get(a) ?? '').localeCompare(fileOf.get(b) ?? '', 'zh'));
}
