import type { Engine } from '../engine.ts';
import type { Measure } from '../measures/types.ts';
import { checkEligibility, type CheckResult } from './check.ts';
import { parseProfile } from './profile.ts';

/**
 * The edge of the checker: reads the catalog from the engine and the date from the config
 * (config.today()), so that checkEligibility itself stays pure.
 */
export function engineMeasures(engine: Engine): readonly Measure[] {
  return engine.measures;
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
