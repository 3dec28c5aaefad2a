// The bench's "ledger off" stand-in for workflows/case/ledger.ts, aliased into a second bundle of
// the refund case (scripts/bench/ledger-write.ts): the same case with no ledger row, no local
// activity and no marker, so on/off measures the whole cost of the ledger's writes.
import type { CarriedLedger } from '../../workflows/case/ledger';

export type { CarriedLedger };
export const LEDGER_PATCH = 'ledger';

export class CaseLedger {
  readonly queue: CarriedLedger = { counts: {}, pending: [], failures: 0 };
  observe(): void {}
  closed(): void {}
  due(): boolean {
    return false;
  }
  wakeAt(): string | undefined {
    return undefined;
  }
  async flush(): Promise<void> {}
}
