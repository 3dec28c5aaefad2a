// Which of the workflow's patches a run has (README, "Changing the workflow safely"). Each patch
// costs a marker and a `TemporalChangeVersion` search-attribute upsert in history (~280 B each),
// so a case started on this code records one rollup patch that stands for every patch before it,
// instead of one marker per patch. A run recorded before the rollup has no rollup marker: on
// replay `patched(ROLLUP)` is false and every older patch is asked by its own id, as it was then.
import { patched } from '@temporalio/workflow';

/**
 * The rollup patch: its presence implies every patch listed in `ROLLED_UP`. The next rollup gets a
 * new id that implies this one (`const current = patched(NEXT) || patched(ROLLUP)`), never a change here.
 */
export const ROLLUP = 'rollup-1';

/** The patches ROLLUP implies: all the workflow had when it came (issue 15). */
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
export function patchesOfRun(): ((id: string) => boolean) & { rolledUp: boolean } {
  const rolledUp = patched(ROLLUP);
  const ask = (id: string) => {
    if (!ROLLED_UP.includes(id)) throw new Error(`patch ${id} is not rolled up; ask patched() for it`);
    return rolledUp || patched(id);
  };
  // What came with the rollup itself (no earlier patch stands for it): the opened row by sink (ledger.ts).
  return Object.assign(ask, { rolledUp });
}
