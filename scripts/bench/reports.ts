// The dashboard's summary over a large ledger: BENCH_LEDGER_ROWS rows (100,000) seeded into the
// embedded SQLite store, then reportSummary() run BENCH_REPORT_RUNS times (30) over the whole
// seeded quarter, over its last 30 days, and for one policy. Prints the p50 and p90 in ms.
//   npx tsx scripts/bench/reports.ts      (or BENCH_ONLY=reports npm run bench)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLedger, type Ledger } from '../../ledger/store';
import { reportSummary, type ReportRange } from '../../ledger/reports';
import type { NewLedgerRow } from '../../ledger/schema';
import { PRESET_IDS } from '../../policies';
import { log, ms, num, round } from './support';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (t: number) => new Date(t).toISOString();

/** One case's rows: opened, requested, decided, then paid / credited / escalated, closed (about 5 a case). */
function caseRows(i: number): NewLedgerRow[] {
  const orderId = `bench-${i}`;
  const policy = PRESET_IDS[i % PRESET_IDS.length] as string;
  const currency = ['USD', 'EUR', 'JPY'][i % 3] as string;
  const opened = START + ((i * 7_919_003) % (90 * DAY));
  const requested = opened + DAY;
  const decided = requested + ((i * 104_729) % (6 * DAY));
  const outcome = ['full_refund', 'partial_refund', 'credit', 'denied', 'denied'][
    Math.floor(i / 5) % 5
  ] as string;
  const common = {
    order_id: orderId,
    policy_id: policy,
    policy_version: '1',
    actor_role: 'system',
    recorded_at: iso(decided),
    reason_codes: '[]',
  };
  const row = (kind: NewLedgerRow['kind'], at: number, extra: Partial<NewLedgerRow> = {}): NewLedgerRow => ({
    ...common,
    event_key: `${orderId}:${kind}:0`,
    kind,
    occurred_at: iso(at),
    ...extra,
  });
  const rows = [
    row('opened', opened),
    row('requested', requested),
    row('decided', decided, {
      outcome,
      amount_minor: outcome === 'denied' ? 0 : 1000 + (i % 5000),
      currency,
      reason_codes:
        outcome === 'denied' ? JSON.stringify([['WINDOW_EXPIRED', 'USAGE_CAP_EXCEEDED'][i % 2]]) : '[]',
      requested_at: iso(requested),
      // Half decided with a deadline running, half with none (judged against the promise itself).
      deadline_at: i % 2 === 0 ? iso(requested + 5 * DAY) : null,
    }),
  ];
  if (outcome === 'full_refund' || outcome === 'partial_refund')
    rows.push(
      row('paid', decided + DAY, {
        amount_minor: 1000 + (i % 5000),
        currency,
        deadline_at: iso(decided + 14 * DAY),
      }),
    );
  else if (outcome === 'credit')
    rows.push(row('credited', decided, { amount_minor: 1000 + (i % 5000), currency }));
  else if (i % 10 === 3)
    rows.push(row('escalated', requested + 5 * DAY, { reason_codes: '["DISPUTE_REVIEW"]' }));
  rows.push(row('closed', decided + 2 * DAY));
  return rows;
}

export async function seedLedger(ledger: Ledger, rows: number): Promise<number> {
  let written = 0;
  let batch: NewLedgerRow[] = [];
  for (let i = 0; written + batch.length < rows; i++) {
    batch.push(...caseRows(i));
    if (batch.length >= 500) {
      written += await ledger.append(batch);
      batch = [];
    }
  }
  written += await ledger.append(batch);
  return written;
}

export async function measureReports(): Promise<Record<string, unknown>> {
  const rows = num('BENCH_LEDGER_ROWS', 100_000);
  const runs = num('BENCH_REPORT_RUNS', 30);
  const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-bench-ledger-'));
  const ledger = await openLedger({ kind: 'sqlite', file: path.join(dir, 'ledger.sqlite') });
  try {
    const seeded = await seedLedger(ledger, rows);
    log(`reports: ${seeded} ledger rows seeded`);
    const end = START + 100 * DAY;
    const ranges: Record<string, ReportRange> = {
      quarter: { from: iso(START), to: iso(end) },
      last30Days: { from: iso(end - 30 * DAY), to: iso(end) },
      onePolicy: { from: iso(START), to: iso(end), policy: 'proxy-strict' },
    };
    const figures: Record<string, unknown> = { ledgerRows: seeded, runs };
    for (const [name, range] of Object.entries(ranges)) {
      await reportSummary(ledger.db, range); // warm the page cache and the statement cache
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const start = process.hrtime.bigint();
        await reportSummary(ledger.db, range);
        times.push(ms(start));
      }
      times.sort((a, b) => a - b);
      figures[name] = {
        p50Ms: round(times[Math.ceil(runs * 0.5) - 1] as number),
        p90Ms: round(times[Math.ceil(runs * 0.9) - 1] as number),
      };
    }
    return figures;
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  measureReports().then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
