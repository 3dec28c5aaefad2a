// The worker's end of the case's opened row (workflows/case/ledger.ts): a case opened on the rollup
// hands the row over through this sink instead of a local activity in its first task. It appends to
// the same store as appendLedger (idempotent by event key), not on replay, and never throws: a
// ledger that is down is logged; the row stays pending in the case and goes with its next write.
import type { InjectedSinks } from '@temporalio/worker';
import type { LedgerAppendResult, LedgerEntry } from '../activities/contract';
import type { LedgerSinks } from '../workflows/case/ledger';

export function ledgerSinks(
  append: (input: { rows: LedgerEntry[] }) => Promise<LedgerAppendResult>,
  warn: (fields: Record<string, unknown>, message: string) => void = () => undefined,
): InjectedSinks<LedgerSinks> {
  return {
    ledger: {
      write: {
        fn: (info, rows) => {
          const failed = (error: unknown) =>
            warn(
              { workflowId: info.workflowId, rows: rows.length, error },
              'ledger write by sink failed; the row goes with the case’s next write',
            );
          try {
            append({ rows }).then(
              (result) => result.written || failed(result.error),
              (err: unknown) => failed(err instanceof Error ? err.message : String(err)),
            );
          } catch (err) {
            failed(err instanceof Error ? err.message : String(err));
          }
        },
        // A replayed first task already handed the row over (or the case's next write carries it).
        callDuringReplay: false,
      },
    },
  };
}
