import type { Query } from '../retrieve/query.ts';
import type { ConceptHit } from '../text/lexicon.ts';
import { withoutNumbering } from '../text/sentences.ts';
import { BoundedMemo } from '../bounded-memo.ts';

/**
 * What a sentence is about, as policy documents write it: the benefit it opens with
 * (「丧葬补助金按照…计发」). A sentence whose subject is a benefit of the lexicon other than those the
 * question is about states that benefit's rule, not the one asked for (「失业金一个月能领多少」 is not
 * answered by how 丧葬补助金 is computed).
 */


/** Sentences whose benefits are remembered, at most. */
const SENTENCES_MEMO = 20_000;

/** A subject is a name of at most this many characters. */
const SUBJECT_CHARS = 24;

/** The lexicon's benefit a normalised sentence opens with: a topic concept named first, by a name ending in a benefit noun. */
export function leadingBenefit(norm: string, findConcepts: (norm: string) => ConceptHit[], nouns: readonly string[]): ConceptHit | null {
  // Only the opening words can be the subject: the concepts are looked for there, if a benefit noun is.
  const head = withoutNumbering(norm).slice(0, SUBJECT_CHARS);
  if (!nouns.some((n) => head.includes(n))) return null;
  const first = findConcepts(head)[0];
  if (!first || first.index !== 0 || !first.concept.topic) return null;
  return endsWithNoun(first.form, nouns) ? first : null;
}

/** A name ending in a benefit noun, with something before it (一次性创业补贴, not 补贴). */
function endsWithNoun(form: string, nouns: readonly string[]): boolean {
  return nouns.some((n) => form.endsWith(n) && form.length > n.length);
}

/**
 * The benefits a sentence grants: a benefit of the lexicon right after a verb that grants it
 * (「…的失业人员，可申领一次性生活补助」「…按每人每月1000元发放失业补助金」).
 */
export function grantedBenefits(norm: string, findConcepts: (norm: string) => ConceptHit[], nouns: readonly string[]): ConceptHit[] {
  const out: ConceptHit[] = [];
  GRANT.lastIndex = 0;
  for (let m = GRANT.exec(norm); m; m = GRANT.exec(norm)) {
    const after = norm.slice(m.index + m[0].length, m.index + m[0].length + SUBJECT_CHARS);
    const first = findConcepts(after)[0];
    if (!first || first.index !== 0 || !first.concept.topic || !benefitNamed(first.form, nouns)) continue;
    // 「领取失业保险金期满仍未就业的失业人员，…」: a benefit inside a condition (… 的, before the clause ends) is not granted.
    if (after.slice(first.form.length).split(CLAUSE_END)[0]!.includes('的')) continue;
    out.push(first);
  }
  return out;
}
/** Verbs by which documents grant a benefit. */
const GRANT = /(?:申领|领取|发放|给予|享受|发给|计发)/gu;
const CLAUSE_END = /[，,。；;：:]/u;

/** A benefit's name: it ends with a benefit noun (补贴, 补助金 …) or 金 (失业保险金). */
function benefitNamed(form: string, nouns: readonly string[]): boolean {
  return endsWithNoun(form, nouns) || (form.endsWith('金') && form.length > 2);
}

/**
 * Whether the question is about the benefit `hit` names: it names it, or a topic of the same family
 * (生活补贴 is part of 三支一扶; 丧葬补助金 is not part of 失业保险金), or a topic its name contains
 * (一次性创业补贴 for 「创业有什么补贴」).
 */
export function asksAbout(query: Pick<Query, 'norm' | 'concepts'>, hit: ConceptHit): boolean {
  if (query.norm.includes(hit.form)) return true;
  return query.concepts.some((c) => c.concept.family === hit.concept.family || c.concept.forms.some((f) => f.length >= 2 && hit.form.includes(f)));
}

/** The question names a benefit of its own in the family of `hit`, and not `hit` (失业金, not 失业补助金). */
function asksSibling(query: Pick<Query, 'norm' | 'concepts'>, hit: ConceptHit, nouns: readonly string[]): boolean {
  if (query.norm.includes(hit.form) || query.concepts.some((c) => c.concept === hit.concept)) return false;
  return query.concepts.some((c) => c.concept.topic && c.concept.family === hit.concept.family && benefitNamed(c.concept.name, nouns) && c.concept.forms.some((f) => query.norm.includes(f)));
}

/**
 * A sentence-level test: it opens with a benefit other than those the question (which names a topic)
 * is about, or grants a sibling of the benefit the question names (「…可申领一次性生活补助」 for
 * 「失业金能领几个月」) and none the question is about.
 */
export function otherSubjectTest(findConcepts: (norm: string) => ConceptHit[], nouns: readonly string[]) {
  // What a sentence opens with or grants does not depend on the question: read once per sentence.
  const benefits = new BoundedMemo<string, { lead: ConceptHit | null; granted: ConceptHit[] }>(SENTENCES_MEMO);
  return (query: Pick<Query, 'norm' | 'concepts'>, norm: string): boolean => {
    if (!query.concepts.some((c) => c.concept.topic)) return false;
    const { lead, granted } = benefits.get(norm, () => {
      const lead = leadingBenefit(norm, findConcepts, nouns);
      return { lead, granted: lead ? [] : grantedBenefits(norm, findConcepts, nouns) };
    });
    if (lead) return !asksAbout(query, lead) || asksSibling(query, lead, nouns);
    return granted.length > 0 && granted.every((h) => asksSibling(query, h, nouns));
  };
}
