import { FIGURE_KINDS, type AnswerKind, type Lexicon } from '../text/lexicon.ts';

/** Whether a normalised text offers the answer kind (the kind's `offers` patterns in answer-kinds.yml). */
export function offersKindOf(lexicon: Pick<Lexicon, 'labelKinds' | 'kind'>, textNorm: string, kind: AnswerKind): boolean {
  // A labelled part gives what its label says, and conditions answer whether one can (「补贴对象：…」
  // for 「能领吗」). A figure in a part labelled otherwise is not the sum or period asked for
  // (「申请材料：…（申请12000元标准的提供）」); other kinds are still read from the text.
  const labelled = lexicon.labelKinds(textNorm);
  if (labelled.includes(kind) || (kind === 'yesno' && labelled.includes('who'))) return true;
  if (labelled.length && FIGURE_KINDS.has(kind)) return false;
  const spec = lexicon.kind(kind);
  const text = spec.notOffers.reduce((t, re) => t.replace(re, '，'), textNorm);
  return spec.offers.some((re) => re.test(text));
}
