/** The document model shared by every stage. */

export type DocKind = 'policy' | 'law' | 'faq' | 'news';

export interface Paragraph {
  /** Stable within the document for the same file content: `p1`, `p2`, … in reading order. */
  id: string;
  /** Text as shown to users (never normalised). */
  text: string;
  /** Headings above this paragraph, outermost first, e.g. ['二、目标任务', '(一)加快培育新的就业增长点']. */
  headingPath: string[];
  /** True when the paragraph is itself a heading line (一、 / (一) / 第X章 …). */
  isHeading: boolean;
  /**
   * The place this paragraph is about when its section names one other than the document's
   * (a roundup's 「二、河南省」 section, a 「浙江：」 label); absent means the document's region.
   */
  region?: string;
}

export interface PolicyDocument {
  /** Stable id derived from the file's path inside the corpus. */
  docId: string;
  /** Path relative to the corpus directory. */
  file: string;
  title: string;
  issuer: string | null;
  docNumber: string | null;
  /** ISO date `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`) of the document, when known. */
  date: string | null;
  /** Most specific place the document applies to, e.g. 青岛市城阳区, 广东省, 全国. */
  region: string | null;
  kind: DocKind;
  /** Original address of the document when the file tells it. */
  sourceUrl: string | null;
  /** Latest stated end date of a measure (`YYYY-MM-DD`), when the text gives one. */
  validUntil: string | null;
  /** Other metadata found in the file (索引号, 政策咨询电话 …). */
  meta: Record<string, string>;
  /** sha256 of the file bytes. */
  contentHash: string;
  paragraphs: Paragraph[];
  /** The page this file is an attachment of (its docId), when it is one. */
  attachmentOf?: string | null;
  /** The attachments of this page (docIds), in the order the page lists them. */
  attachments?: string[];
}

/** What a format loader extracts from one file, before ids, headings and region are assigned. */
export interface LoadedSource {
  title: string | null;
  issuer: string | null;
  docNumber: string | null;
  date: string | null;
  sourceUrl: string | null;
  kind: DocKind | null;
  region: string | null;
  meta: Record<string, string>;
  /** Text blocks in reading order, one per paragraph (no markup). */
  blocks: string[];
  /** Blocks the file's markup makes headings (Word heading styles, a sheet's name): text → level 1–6. */
  markedHeadings?: Map<string, number>;
}

export interface Chunk {
  /** `${docId}#${paragraphId}` plus `~n` when the paragraph is split. Stable for the same file content. */
  id: string;
  docId: string;
  paragraphId: string;
  /** Display text: a whole paragraph or a window of its sentences. */
  text: string;
  headingPath: string[];
}

export interface IngestProblem {
  file: string;
  code: string;
  reason: string;
}
