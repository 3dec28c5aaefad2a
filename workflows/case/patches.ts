// Which of the workflow's patches a run has (README, "Changing the workflow safely"). Each patch
// costs a marker and a `TemporalChangeVersion` search-attribute upsert in history (~280 B each),
// so a case started on this code records one rollup patch that stands for every patch before it,
// instead of one marker per patch. A run recorded before the rollup has no rollup marker: on
// replay `patched(ROLLUP)` is false and every older patch is asked by its own id, as it was then.
import { patched } from '@temporalio/workflow';

/**
 * The current rollup, the one marker a new case records. `rollup-2` implies `rollup-1` (and so
 * every patch in `ROLLED_UP`) and brings the request's assessment in one local activity
 * (effects.ts, activities/decide.ts assessRequest) and no search-attribute upsert before it.
 * The next rollup gets a new id that implies this one, never a change to what an id implies.
 */
export const ROLLUP = 'rollup-2';
/** The first rollup: every patch in `ROLLED_UP`, and the opened row by sink (ledger.ts). */
export const ROLLUP_1 = 'rollup-1';

/** The patches `rollup-1` implies: all the workflow had when it came (issue 15). */
export const ROLLED_UP: readonly string[] = [
  'assess-first-locally',
  'long-lived-cases',
  'term-cover',
  'ledger',
  'slim-search-attributes',
  'steady-wake-timer',
  'decisions-recorded',
  'escalation-clears',
];

/**
 * Asks the rollup once, first thing in the run, and answers for the patches it implies: true
 * without a marker when the run has the rollup, otherwise `patched(id)` as before (lazily asked
 * patches stay lazy: a run from before the rollup still records one from its next use on).
 * A patch added after the rollup is asked with `patched()` itself until the next rollup.
 */
export function patchesOfRun(): ((id: string) => boolean) & { rolledUp: boolean; rollup: 0 | 1 | 2 } {
  // A new run records rollup-2 alone (patched() records and answers true); a run recorded with
  // rollup-1 has no rollup-2 marker, so replay answers false and asks rollup-1, as it was recorded.
  const rollup = patched(ROLLUP) ? 2 : patched(ROLLUP_1) ? 1 : 0;
  const rolledUp = rollup >= 1;
  const ask = (id: string) => {
    if (!ROLLED_UP.includes(id)) throw new Error(`patch ${id} is not rolled up; ask patched() for it`);
    return rolledUp || patched(id);
  };
  // What came with a rollup itself (no earlier patch stands for it): `rolledUp`, the opened row by
  // sink (ledger.ts); `rollup` 2, the request assessed and decided in one local activity (effects.ts).
  return Object.assign(ask, { rolledUp, rollup: rollup as 0 | 1 | 2 });
}
