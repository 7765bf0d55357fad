import type { Chunk, PolicyDocument } from '../types.ts';

/** Text a chunk is embedded and matched with: its document title and headings give it context. */
export function contextOf(doc: PolicyDocument | undefined, chunk: Chunk): string {
  return [doc?.title ?? '', ...chunk.headingPath].join(' ');
}
