// GET /v1/reports/* on a real stack: the figures of known ledger rows written into the stack's own
// ledger file, who may read them, bad windows named by field, and the CSV export for finance.
import assert from 'node:assert/strict';
import path from 'node:path';
import { openLedger, type Ledger } from '../../ledger/store';
import { row, marchRows } from '../ledger/fixtures';
import { call, eventually, order, startStack, type TestStack } from './stack';

type Issues = { issues: { path: string; message: string }[] };

describe('reports API', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let ledger: Ledger;

  before(async () => {
    stack = await startStack('reports');
    assert.deepEqual(stack.config.ledger, {
      kind: 'sqlite',
      file: path.join(stack.dataDir, 'ledger.sqlite'),
    });
    // A second connection to the API's own ledger file, as the worker's writer would be.
    ledger = await openLedger(stack.config.ledger);
    await ledger.append([
      ...marchRows(),
      row('ord,"quoted"', 'decided', '2026-03-20T00:00:00.000Z', {
        outcome: 'denied',
        reason_codes: '["WINDOW_EXPIRED","USER_CAUSED"]',
        actor_role: 'reviewer',
        actor_id: '=cmd|calc',
      }),
    ]);
  });
  after(async () => {
    await ledger?.close();
    await stack?.close();
  });

  it('summarises a month for support and admin, filtered by policy', async () => {
    for (const as of ['support', 'admin'] as const) {
      const answer = await call<Record<string, unknown>>(
        stack,
        'GET',
        '/v1/reports/summary?from=2026-03-01&to=2026-03-31',
        { as },
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const body = answer.body as {
        from: string;
        to: string;
        requests: number;
        outcomes: Record<string, number>;
        money: unknown[];
        decisionTime: { policyId: string; p50Hours: number; p90Hours: number }[];
        escalations: number;
        payoutsPastLimit: number;
      };
      // A date for `to` takes in the whole day.
      assert.equal(body.from, '2026-03-01T00:00:00.000Z');
      assert.equal(body.to, '2026-04-01T00:00:00.000Z');
      assert.equal(body.requests, 6);
      assert.deepEqual(body.outcomes, {
        credit: 1,
        denied: 3,
        full_refund: 1,
        needs_review: 1,
        partial_refund: 1,
      });
      assert.deepEqual(body.money, [
        { currency: 'EUR', refundedMinor: 500, creditedMinor: 0 },
        { currency: 'JPY', refundedMinor: 0, creditedMinor: 700 },
        { currency: 'USD', refundedMinor: 1250, creditedMinor: 0 },
      ]);
      assert.deepEqual(
        body.decisionTime.map((d) => [d.policyId, d.p50Hours, d.p90Hours]),
        [
          ['proxy-strict', 20, 30],
          ['usage-prorata', 5, 40],
        ],
      );
      assert.equal(body.escalations, 2);
      assert.equal(body.payoutsPastLimit, 2);
    }
    const usage = await call<{ policy: string; requests: number; money: { currency: string }[] }>(
      stack,
      'GET',
      '/v1/reports/summary?from=2026-03-01&to=2026-03-31&policy=usage-prorata',
      { as: 'support' },
    );
    assert.equal(usage.body.policy, 'usage-prorata');
    assert.equal(usage.body.requests, 2);
    assert.deepEqual(
      usage.body.money.map((m) => m.currency),
      ['JPY'],
    );
  });

  it('answers the last 30 days when no window is given, and zeros for an empty one', async () => {
    const recent = await call<{ from: string; to: string; requests: number }>(
      stack,
      'GET',
      '/v1/reports/summary',
      {
        as: 'support',
      },
    );
    assert.equal(recent.status, 200);
    assert.equal(Date.parse(recent.body.to) - Date.parse(recent.body.from), 30 * 86_400_000);
    assert.ok(Math.abs(Date.parse(recent.body.to) - Date.now()) < 60_000, recent.body.to);
    const empty = await call<{ requests: number; outcomes: object; money: unknown[] }>(
      stack,
      'GET',
      '/v1/reports/summary?from=2025-01-01&to=2025-01-31',
      { as: 'support' },
    );
    assert.equal(empty.status, 200);
    assert.equal(empty.body.requests, 0);
    assert.deepEqual(empty.body.outcomes, {});
    assert.deepEqual(empty.body.money, []);
  });

  it('names the field of a bad window, policy or parameter', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['from=2026-02-30', 'from'],
      ['to=2026-03-01T10:00:00', 'to'], // an instant without a zone is ambiguous
      ['from=2026-03-10&to=2026-03-01', 'to'],
      ['from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'to'],
      ['policy=lenient', 'policy'],
      ['limit=3', 'limit'],
    ];
    for (const [query, field] of cases) {
      const answer = await call<Issues>(stack, 'GET', `/v1/reports/summary?${query}`, { as: 'support' });
      assert.equal(answer.status, 400, query);
      assert.deepEqual(
        answer.body.issues.map((i) => i.path),
        [field],
        `${query}: ${JSON.stringify(answer.body)}`,
      );
    }
    const csv = await call<Issues>(stack, 'GET', '/v1/reports/ledger.csv?to=31/03/2026', { as: 'admin' });
    assert.equal(csv.status, 400);
    assert.equal(csv.body.issues[0]!.path, 'to');
  });

  it('lets only support and admin read the summary', async () => {
    for (const as of ['checkout', 'reviewer'] as const)
      assert.equal((await call(stack, 'GET', '/v1/reports/summary', { as })).status, 403, as);
    assert.equal((await call(stack, 'GET', '/v1/reports/summary')).status, 401);
  });

  it('exports the window as CSV for admin only, escaped, oldest first', async () => {
    for (const as of ['support', 'reviewer', 'checkout'] as const) {
      const refused = await call<{ error: string }>(stack, 'GET', '/v1/reports/ledger.csv', { as });
      assert.equal(refused.status, 403, as);
      assert.match(refused.body.error, /roles allowed: admin$/);
    }
    const answer = await call<string>(stack, 'GET', '/v1/reports/ledger.csv?from=2026-03-01&to=2026-03-31', {
      as: 'admin',
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(
      answer.headers.get('content-disposition'),
      'attachment; filename="ledger-2026-03-01-2026-04-01.csv"',
    );
    const lines = answer.body.split('\r\n');
    assert.equal(lines.at(-1), '', 'every line ends with CRLF');
    assert.match(lines[0]!, /^event_key,order_id,kind,occurred_at,policy_id,/);
    const inMarch = marchRows().filter((r) => r.occurred_at >= '2026-03-01' && r.occurred_at < '2026-04-01');
    assert.equal(
      lines.length,
      1 + inMarch.length + 1 + 1,
      'header, March rows, the quoted row, the final CRLF',
    );
    const times = lines.slice(1, -1).map((l) => /,(2026-\d\d-\d\dT[^,]+),/.exec(l)?.[1] ?? '');
    assert.deepEqual(times, [...times].sort(), 'oldest first');
    assert.ok(
      lines.includes(
        '"ord,""quoted"":decided:0","ord,""quoted""",decided,2026-03-20T00:00:00.000Z,proxy-strict,1,denied,,,' +
          `"[""WINDOW_EXPIRED"",""USER_CAUSED""]",reviewer,'=cmd|calc,,,2026-03-20T00:00:00.000Z`,
      ),
      lines.filter((l) => l.includes('quoted')).join('\n'),
    );
  });

  it('counts cases run on the real stack: the worker writes the ledger, the summary reads it', async () => {
    const paid = order();
    const denied = order();
    for (const [policyId, o] of [
      ['usage-prorata', paid],
      ['all-sales-final', denied],
    ] as const) {
      const started = await call(stack, 'POST', '/v1/cases', {
        as: 'checkout',
        body: { policyId, order: o },
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
    }
    await call(stack, 'PUT', `/v1/orders/${paid.orderId as string}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    for (const o of [paid, denied]) {
      const asked = await call(stack, 'POST', `/v1/cases/${o.orderId as string}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'changed_mind' },
      });
      assert.equal(asked.status, 200, JSON.stringify(asked.body));
    }
    // Today's window (the March rows above are outside it); the gateway settles the payout shortly.
    const today = new Date().toISOString().slice(0, 10);
    type Summary = {
      requests: number;
      outcomes: Record<string, number>;
      money: { currency: string; refundedMinor: number; creditedMinor: number }[];
      denialReasons: { code: string; count: number }[];
      decisionTime: { policyId: string; decided: number; withinPromise: number }[];
    };
    const summary = await eventually(async () => {
      const answer = await call<Summary>(stack, 'GET', `/v1/reports/summary?from=${today}&to=${today}`, {
        as: 'support',
      });
      return answer.body.money.length > 0 && answer.body;
    }, 'the payout in the ledger');
    assert.equal(summary.requests, 2);
    assert.deepEqual(summary.outcomes, { denied: 1, full_refund: 1 });
    assert.deepEqual(summary.money, [{ currency: 'USD', refundedMinor: 1999, creditedMinor: 0 }]);
    assert.deepEqual(
      summary.denialReasons.map((r) => r.code),
      ['ALL_SALES_FINAL'],
    );
    assert.deepEqual(
      summary.decisionTime.map((d) => [d.policyId, d.decided, d.withinPromise]),
      [
        ['all-sales-final', 1, 1],
        ['usage-prorata', 1, 1],
      ],
    );
    const csv = await call<string>(stack, 'GET', `/v1/reports/ledger.csv?from=${today}&to=${today}`, {
      as: 'admin',
    });
    for (const kind of ['opened', 'requested', 'decided', 'paid'])
      assert.ok(csv.body.includes(`,${paid.orderId as string},${kind},`), kind);
  });
});
