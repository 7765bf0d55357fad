import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../src/ingest/load-corpus.ts';
import { chunkDocument } from '../src/chunk/chunk.ts';
import { contextOf } from '../src/chunk/context.ts';
import { analyze } from '../src/text/tokenize.ts';
import { HashedEmbedder } from '../src/embed/hashed.ts';
import { useLexicon } from '../src/index/build.ts';

/**
 * The build analyses each chunk once (issue 16, 「tokenise once」): BM25 takes the text's and the
 * context's analyses, the built-in embedder their union. That must embed a chunk exactly as analysing
 * 「context⏎text」 would, or an index built this way would not match the questions embedded later.
 */
describe('analysing each chunk once at build', () => {
  it('gives the built-in embedder the same features, IDF and vectors as analysing context and text together', async () => {
    useLexicon([]);
    const { documents } = await loadCorpus(path.join(import.meta.dirname, 'fixtures/unseen'));
    const byId = new Map(documents.map((d) => [d.docId, d]));
    const chunks = documents.flatMap((d) => chunkDocument(d));
    expect(chunks.length).toBeGreaterThan(50);
    const texts = chunks.map((c) => `${contextOf(byId.get(c.docId), c)}\n${c.text}`);
    const once = chunks.map((c) => {
      const ctx = analyze(contextOf(byId.get(c.docId), c));
      const a = analyze(c.text);
      return { words: [...ctx.words, ...a.words], bigrams: [...ctx.bigrams, ...a.bigrams] };
    });
    const byText = HashedEmbedder.fit(texts, 256);
    const byAnalyses = HashedEmbedder.fitAnalyses(once, 256);
    expect(byAnalyses.toState()).toEqual(byText.toState());
    const vectors = byAnalyses.embedAnalyses(once);
    texts.forEach((t, i) => {
      const expected = byText.embedText(t);
      const got = vectors[i]!;
      let max = 0;
      for (let j = 0; j < expected.length; j++) max = Math.max(max, Math.abs(expected[j]! - got[j]!));
      expect(max).toBeLessThan(1e-6);
    });
  });
});
