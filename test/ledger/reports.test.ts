// The report figures from known ledger rows on the embedded SQLite store: counts, money per
// currency, denial reasons, nearest-rank percentiles against each promise, filters, an empty
// window; and the CSV export's escaping and paging.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { ledgerCsvHeader, ledgerCsvLine, csvField } from '../../ledger/csv';
import { ledgerRows, percentile, reportSummary } from '../../ledger/reports';
import { openLedger, type Ledger, type LedgerLocation } from '../../ledger/store';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { MARCH, decided, marchRows, row } from './fixtures';

// The same queries on both stores (issue 20): the embedded SQLite file and a real PostgreSQL.
for (const store of ['sqlite', 'postgres'] as const)
  describe(`ledger reports (${store})`, function () {
    this.timeout(120_000);
    let dir: string;
    let postgres: TestPostgres | undefined;
    let ledger: Ledger;
    /** A fresh ledger of this store: another file, or another PostgreSQL database. */
    let fresh: (name: string) => Promise<Ledger>;
    before(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'refundflow-reports-'));
      if (store === 'postgres') postgres = await startPostgres();
      fresh = async (name) => {
        if (!postgres) return openLedger({ kind: 'sqlite', file: path.join(dir, `${name}.sqlite`) });
        const admin = await openLedger({ kind: 'postgres', url: postgres.url });
        await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
        await admin.close();
        const location: LedgerLocation = {
          kind: 'postgres',
          url: postgres.url.replace(/\/postgres$/, `/${name}`),
        };
        return openLedger(location);
      };
      ledger = await fresh('ledger');
      assert.equal(await ledger.append(marchRows()), marchRows().length);
    });
    after(async () => {
      await ledger?.close();
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sums a month: requests, both kinds of outcome, money per currency, reasons, escalations, late payouts', async () => {
      const summary = await reportSummary(ledger.db, MARCH);
      assert.equal(summary.requests, 6); // o1–o6; o7 asked in February, o10 in April
      assert.deepEqual(summary.outcomes, {
        credit: 1,
        denied: 2,
        full_refund: 1,
        needs_review: 1,
        partial_refund: 1,
      });
      assert.deepEqual(summary.money, [
        { currency: 'EUR', refundedMinor: 500, creditedMinor: 0 },
        { currency: 'JPY', refundedMinor: 0, creditedMinor: 700 },
        { currency: 'USD', refundedMinor: 1250, creditedMinor: 0 },
      ]);
      assert.deepEqual(summary.denialReasons, [
        { code: 'WINDOW_EXPIRED', count: 2 },
        { code: 'ABUSE_SUSPECTED', count: 1 },
      ]);
      assert.equal(summary.escalations, 2, 'o6 escalated twice counts once');
      assert.equal(summary.payoutsPastLimit, 2, 'o3 paid late and o8 failed at its limit; o9 failed early');
    });

    it('measures decision time per policy against its promise (nearest rank, needs_review excluded)', async () => {
      const { decisionTime } = await reportSummary(ledger.db, MARCH);
      assert.deepEqual(decisionTime, [
        {
          policyId: 'proxy-strict',
          promiseBusinessDays: 3, // its target; 7 is the outer deadline
          businessDays: true,
          p50Hours: 20,
          p90Hours: 30,
          withinPromise: 2,
          decided: 3,
        },
        {
          policyId: 'usage-prorata',
          promiseBusinessDays: 3,
          businessDays: false,
          p50Hours: 5,
          p90Hours: 40,
          withinPromise: 2,
          decided: 2,
        },
      ]);
    });

    it('judges a decision made with no deadline running against the policy’s promise from the request', async () => {
      const other = await openLedger({ kind: 'sqlite', file: path.join(dir, 'no-deadline.sqlite') });
      try {
        const at = '2026-03-02T09:00:00.000Z'; // a Monday
        await other.append([
          ...decided('n1', at, 0, { policy_id: 'usage-prorata', outcome: 'full_refund', deadline_at: null }),
          // 3 calendar days promised: 100 h (Friday 13:00 UTC) is past the end of Thursday in the policy's zone
          ...decided('n2', at, 100, { policy_id: 'usage-prorata', outcome: 'denied', deadline_at: null }),
          // 3 business days promised (proxy-strict's target): Thursday 12:00 UTC is within the third
          ...decided('n3', at, 75, { outcome: 'denied', deadline_at: null }),
          // ... and the next Monday is not
          ...decided('n4', at, 24 * 7, { outcome: 'denied', deadline_at: null }),
          // A request on New Year's Day (a public holiday, pinned for the report): its 3 business
          // days are Friday 2, Monday 5 and Tuesday 6 January, so Tuesday is within, Thursday late
          ...decided('n5', '2026-01-01T02:00:00.000Z', 24 * 5, { outcome: 'denied', deadline_at: null }),
          ...decided('n6', '2026-01-01T02:00:00.000Z', 24 * 7, { outcome: 'denied', deadline_at: null }),
        ]);
        const { decisionTime } = await reportSummary(other.db, MARCH);
        const newYear = await reportSummary(other.db, {
          from: '2026-01-01T00:00:00.000Z',
          to: '2026-01-31T00:00:00.000Z',
        });
        assert.deepEqual(
          newYear.decisionTime.map((d) => [d.policyId, d.withinPromise, d.decided]),
          [['proxy-strict', 1, 2]],
        );
        assert.deepEqual(
          decisionTime.map((d) => [d.policyId, d.withinPromise, d.decided]),
          [
            ['proxy-strict', 1, 2],
            ['usage-prorata', 1, 2],
          ],
        );
      } finally {
        await other.close();
      }
    });

    it('takes percentiles by nearest rank on known data', () => {
      const tenths = Array.from({ length: 10 }, (_, i) => i + 1);
      assert.equal(percentile(tenths, 0.5), 5);
      assert.equal(percentile(tenths, 0.9), 9);
      assert.equal(percentile([7], 0.9), 7);
      assert.equal(percentile([], 0.5), 0);
      assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10);
    });

    it('filters by policy', async () => {
      const summary = await reportSummary(ledger.db, { ...MARCH, policy: 'usage-prorata' });
      assert.equal(summary.policy, 'usage-prorata');
      assert.equal(summary.requests, 2);
      assert.deepEqual(summary.outcomes, { credit: 1, denied: 1 });
      assert.deepEqual(summary.money, [{ currency: 'JPY', refundedMinor: 0, creditedMinor: 700 }]);
      assert.deepEqual(summary.denialReasons, [{ code: 'WINDOW_EXPIRED', count: 1 }]);
      assert.deepEqual(
        summary.decisionTime.map((d) => d.policyId),
        ['usage-prorata'],
      );
      assert.equal(summary.escalations, 0);
    });

    it('takes `from` inclusive and `to` exclusive, to the millisecond', async () => {
      const feb = await reportSummary(ledger.db, {
        from: '2026-02-28T23:59:59.999Z',
        to: '2026-03-01T00:00:00.000Z',
      });
      assert.deepEqual(feb.outcomes, { full_refund: 1 }, 'the decision at the last February millisecond');
      assert.deepEqual(feb.money, [], 'o7 was paid at the first March instant, outside');
      const firstWeek = await reportSummary(ledger.db, {
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-04T00:00:00.000Z',
      });
      assert.equal(firstWeek.requests, 3);
      assert.deepEqual(firstWeek.outcomes, { denied: 1, full_refund: 1 });
      assert.deepEqual(
        firstWeek.money.map((m) => [m.currency, m.refundedMinor]),
        [['USD', 1250]],
      );
      const april = await reportSummary(ledger.db, {
        from: '2026-04-01T00:00:00.000Z',
        to: '2026-04-02T00:00:00.000Z',
      });
      assert.equal(april.requests, 1);
    });

    it('answers an empty window with zeros and empty lists', async () => {
      const summary = await reportSummary(ledger.db, {
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-02-01T00:00:00.000Z',
      });
      assert.deepEqual(summary, {
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-02-01T00:00:00.000Z',
        requests: 0,
        outcomes: {},
        money: [],
        denialReasons: [],
        decisionTime: [],
        escalations: 0,
        payoutsPastLimit: 0,
      });
    });

    it('skips a malformed reason-code cell rather than failing the report', async () => {
      const other = await fresh('malformed');
      try {
        await other.append([
          ...decided('m1', '2026-03-02T00:00:00.000Z', 1, { outcome: 'denied', reason_codes: 'not json' }),
          ...decided('m2', '2026-03-02T00:00:00.000Z', 1, {
            outcome: 'denied',
            reason_codes: '["USER_CAUSED"]',
          }),
        ]);
        const summary = await reportSummary(other.db, MARCH);
        assert.deepEqual(summary.outcomes, { denied: 2 });
        assert.deepEqual(summary.denialReasons, [{ code: 'USER_CAUSED', count: 1 }]);
      } finally {
        await other.close();
      }
    });
    it('pages through rows in time order without losing rows that share an instant', async () => {
      const ledger = await fresh('paging');
      try {
        const same = '2026-03-02T00:00:00.000Z';
        await ledger.append([
          row('c', 'opened', '2026-03-03T00:00:00.000Z'),
          row('a', 'opened', same),
          row('b', 'opened', same),
          row('d', 'opened', same),
          row('e', 'opened', '2026-03-01T00:00:00.000Z'),
          row('z', 'opened', '2026-05-01T00:00:00.000Z'),
        ]);
        const seen: string[] = [];
        for await (const r of ledgerRows(ledger.db, MARCH, 2)) seen.push(r.order_id);
        assert.deepEqual(seen, ['e', 'a', 'b', 'd', 'c']);
      } finally {
        await ledger.close();
      }
    });
  });

describe('ledger CSV', function () {
  this.timeout(120_000);
  it('escapes commas, quotes and line breaks, and defuses formulas (RFC 4180)', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField('["A","B"]'), '"[""A"",""B""]"');
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('@sum'), "'@sum");
    assert.equal(csvField(-250), '-250', 'numbers are written as they are');
    assert.equal(csvField(null), '');
    assert.equal(csvField(''), '');
  });

  it('writes a header and one CRLF line per row', () => {
    const header = ledgerCsvHeader();
    assert.ok(header.startsWith('event_key,order_id,kind,occurred_at,'));
    assert.ok(header.endsWith('recorded_at\r\n'));
    const line = ledgerCsvLine({
      id: 1,
      ...row('ord,1', 'decided', '2026-03-02T00:00:00.000Z', {
        outcome: 'denied',
        reason_codes: '["WINDOW_EXPIRED","USER_CAUSED"]',
        actor_id: 'key "x"',
        amount_minor: 0,
      }),
      outcome: 'denied',
      amount_minor: 0,
      currency: null,
      actor_id: 'key "x"',
      requested_at: null,
      deadline_at: null,
    });
    assert.equal(
      line,
      '"ord,1:decided:0","ord,1",decided,2026-03-02T00:00:00.000Z,proxy-strict,1,denied,0,,' +
        '"[""WINDOW_EXPIRED"",""USER_CAUSED""]",system,"key ""x""",,,2026-03-02T00:00:00.000Z\r\n',
    );
  });
});
