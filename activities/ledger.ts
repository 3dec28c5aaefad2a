// The case ledger's write (ledger/store.ts): the activity side of workflows/case/ledger.ts. It runs
// as a local activity inside the case's workflow task, so it must answer fast and never fail for
// the ledger's sake: a ledger that is down or slow answers `written: false` within a bound and the
// case retries on its own durable timer. No customer personal data reaches it (the workflow builds
// the rows from ids, amounts, codes and staff actors only).
import type { LedgerAppendResult, LedgerEntry } from './contract';
import { packLedgerRows } from './ledger-pack';

/** What the activity needs of the ledger: its idempotent append. */
export interface LedgerPort {
  append(rows: readonly (LedgerEntry & { recorded_at: string })[]): Promise<number>;
  close?(): Promise<void>;
}

/**
 * How long one append may take before it counts as failed. A local activity holds its workflow
 * task (and an update's answer) while it runs, so the bound is short: a healthy append takes
 * milliseconds; a hanging database costs a try at most this long, once per retry step. Well under
 * the local activity's own timeout, so the answer (and the rows, for the backfill) reach history.
 */
export const LEDGER_APPEND_BOUND_MS = 1_000;

export async function appendToLedger(
  ledger: LedgerPort | undefined,
  rows: LedgerEntry[],
  boundMs = LEDGER_APPEND_BOUND_MS,
): Promise<LedgerAppendResult> {
  // No ledger configured (the simulator, tests of other things): nothing to retry for; the rows stay
  // in the case's history, where a backfill into a ledger finds them.
  const packed = packLedgerRows(rows);
  if (!ledger) return { written: true, inserted: 0, packed };
  const recordedAt = new Date().toISOString();
  let timer: NodeJS.Timeout | undefined;
  try {
    const inserted = await Promise.race([
      ledger.append(rows.map((row) => ({ ...row, recorded_at: recordedAt }))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the ledger did not answer within ${boundMs} ms`)),
          boundMs,
        );
      }),
    ]);
    return { written: true, inserted, packed };
  } catch (err) {
    return { written: false, inserted: 0, packed, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens the ledger on first use and again after a failure, so a worker starts while its database
 * is down (the cases keep running; their rows wait) and recovers when it is back.
 */
export function lazyLedger<L extends LedgerPort>(
  open: () => Promise<L>,
): LedgerPort & { close(): Promise<void> } {
  let opening: Promise<L> | undefined;
  return {
    async append(rows) {
      opening ??= open();
      const ledger = await opening.catch((err: unknown) => {
        opening = undefined;
        throw err;
      });
      return ledger.append(rows);
    },
    async close() {
      const ledger = await opening?.catch(() => undefined);
      opening = undefined;
      await ledger?.close?.();
    },
  };
}
