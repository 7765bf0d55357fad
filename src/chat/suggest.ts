import type { Engine } from '../engine.ts';
import type { AnswerKind } from '../text/lexicon.ts';
import { normalizeForMatch } from '../text/normalize.ts';

/**
 * Suggested next questions after an answer: what people ask next about a benefit (materials, how to
 * apply, who qualifies, how much), offered only when the documents answer it — the topic with that
 * kind of ask is searched, and it must not be refused and its first source must give that kind of
 * answer. The suggestions are follow-ups (「需要什么材料？」): sent, they ask about the same topic.
 */
const FOLLOW_UPS: ReadonlyArray<{ kind: AnswerKind; question: string }> = [
  { kind: 'materials', question: '需要什么材料？' },
  { kind: 'procedure', question: '怎么申请？' },
  { kind: 'who', question: '哪些人可以申请？' },
  { kind: 'amount', question: '标准是多少？' },
];
const MAX_SUGGESTIONS = 3;

export async function suggestFollowUps(engine: Engine, topic: string, askedKind: AnswerKind | null, region: string | null): Promise<string[]> {
  if (!topic.trim()) return [];
  const out: string[] = [];
  for (const f of FOLLOW_UPS) {
    if (f.kind === askedKind || out.length >= MAX_SUGGESTIONS) continue;
    const probe = await engine.ask(`${topic} ${engine.lexicon.kind(f.kind).label}`, { region });
    const first = probe.citations[0];
    if (!probe.abstained && first && engine.retriever.offersKind(normalizeForMatch(first.text), f.kind)) out.push(f.question);
  }
  return out;
}
