/** The paragraph-anchored link every citation and measure carries; the web viewer serves it. */
export function paragraphUrl(baseUrl: string, docId: string, paragraphId: string): string {
  return `${baseUrl}/docs/${encodeURIComponent(docId)}#${encodeURIComponent(paragraphId)}`;
}
