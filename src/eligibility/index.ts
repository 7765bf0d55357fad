import type { Engine } from '../engine.ts';
import { PolicybotError } from '../errors.ts';
import type { Measure } from '../measures/types.ts';
import { checkEligibility, type CheckResult } from './check.ts';
import { parseProfile } from './profile.ts';

/**
 * The edge of the checker: reads the catalog from the engine and the date from the config
 * (config.today()), so that checkEligibility itself stays pure.
 */
export function engineMeasures(engine: Engine): readonly Measure[] {
  // The catalog is built with the index (src/measures); accept it as a list or as the stored catalog object.
  const raw = (engine as unknown as { measures?: unknown }).measures;
  if (Array.isArray(raw)) return raw as Measure[];
  if (raw && typeof raw === 'object' && Array.isArray((raw as { measures?: unknown }).measures)) return (raw as { measures: Measure[] }).measures;
  throw new PolicybotError('E_INDEX_MISSING', 'the engine has no measures catalog', {
    userMessage: '补贴措施目录尚未建立，请先运行 policybot ingest 重建索引。',
  });
}

/** Validates profile JSON and checks it against the engine's catalog. */
export function checkProfile(engine: Engine, input: unknown): CheckResult {
  return checkEligibility(engineMeasures(engine), parseProfile(input, engine.config.today()));
}

export { checkEligibility, type CheckResult } from './check.ts';
export { parseProfile, type Profile, type ProfileInput } from './profile.ts';
export type { MeasureResult, ConditionResult, MeasureStatus } from './evaluate.ts';
export type { NextQuestion, QuestionOption, QuestionField } from './questions.ts';
export { renderCheckText } from './render.ts';
