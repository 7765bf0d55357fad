import { describe, expect, it } from 'vitest';
import { restoreChunks, storeChunks } from '../src/index/chunk-file.ts';
import type { Chunk, PolicyDocument } from '../src/types.ts';

const doc = {
  docId: 'd1',
  paragraphs: [
    { id: 'p1', text: '一、失业保险', headingPath: [], isHeading: true },
    { id: 'p2', text: '失业保险金按月发放。标准为每月2250元。', headingPath: ['一、失业保险'], isHeading: false },
  ],
} as unknown as PolicyDocument;

const chunks: Chunk[] = [
  { id: 'd1#p2', docId: 'd1', paragraphId: 'p2', text: '失业保险金按月发放。标准为每月2250元。', headingPath: ['一、失业保险'] },
  // A window of a longer paragraph, and a chunk whose headings differ: both keep their own.
  { id: 'd1#p2~1', docId: 'd1', paragraphId: 'p2', text: '标准为每月2250元。', headingPath: ['一、失业保险', '（一）标准'] },
];

describe('chunks as stored in chunks.json', () => {
  it('a whole-paragraph chunk stores neither text nor headings, and reads back the same', () => {
    const stored = storeChunks(chunks, [doc]);
    expect(stored[0]).toEqual({ id: 'd1#p2', docId: 'd1', paragraphId: 'p2' });
    expect(stored[1]!.text).toBe('标准为每月2250元。');
    expect(restoreChunks(JSON.parse(JSON.stringify(stored)), [doc])).toEqual(chunks);
  });

  it('a stored chunk naming no paragraph is an error, not an empty answer', () => {
    const stored = storeChunks(chunks, [doc]);
    expect(() => restoreChunks(stored, [{ ...doc, paragraphs: [] } as unknown as PolicyDocument])).toThrow(/names no paragraph/);
  });
});
