import type { Query } from '../retrieve/query.ts';
import type { ConceptHit } from '../text/lexicon.ts';
import { withoutNumbering } from '../text/sentences.ts';

/**
 * What a sentence is about, as policy documents write it: the benefit it opens with
 * (「丧葬补助金按照…计发」). A sentence whose subject is a benefit of the lexicon other than those the
 * question is about states that benefit's rule, not the one asked for (「失业金一个月能领多少」 is not
 * answered by how 丧葬补助金 is computed).
 */


/** A subject is a name of at most this many characters. */
const SUBJECT_CHARS = 24;

/** The lexicon's benefit a normalised sentence opens with: a topic concept named first, by a name ending in a benefit noun. */
export function leadingBenefit(norm: string, findConcepts: (norm: string) => ConceptHit[], nouns: readonly string[]): ConceptHit | null {
  // Only the opening words can be the subject: the concepts are looked for there, if a benefit noun is.
  const head = withoutNumbering(norm).slice(0, SUBJECT_CHARS);
  if (!nouns.some((n) => head.includes(n))) return null;
  const first = findConcepts(head)[0];
  if (!first || first.index !== 0 || !first.concept.topic) return null;
  return nouns.some((n) => first.form.endsWith(n) && first.form.length > n.length) ? first : null;
}

/**
 * Whether the question is about the benefit `hit` names: it names it, or a topic of the same family
 * (生活补贴 is part of 三支一扶; 丧葬补助金 is not part of 失业保险金), or a topic its name contains.
 */
export function asksAbout(query: Pick<Query, 'norm' | 'concepts'>, hit: ConceptHit): boolean {
  if (query.norm.includes(hit.form)) return true;
  return query.concepts.some((c) => c.concept.family === hit.concept.family || c.concept.forms.some((f) => f.length >= 2 && hit.form.includes(f)));
}

/** A sentence-level test: it opens with a benefit other than those the question (which names a topic) is about. */
export function otherSubjectTest(findConcepts: (norm: string) => ConceptHit[], nouns: readonly string[]) {
  return (query: Pick<Query, 'norm' | 'concepts'>, norm: string): boolean => {
    if (!query.concepts.some((c) => c.concept.topic)) return false;
    const hit = leadingBenefit(norm, findConcepts, nouns);
    return hit !== null && !asksAbout(query, hit);
  };
}
