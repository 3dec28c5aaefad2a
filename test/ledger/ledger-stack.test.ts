// The case ledger on the real stack: the worker built from the configuration writes a paid case's
// rows to <REFUNDFLOW_DATA_DIR>/ledger.sqlite (a new case's opened row at once, through the worker's
// sink), and `refundflow ledger backfill` (a real process, reading the dev server's sealed histories
// through the codec) rebuilds an emptied ledger from every row the histories hold, twice over with
// nothing added the second time. A ledger down when a case opens gets the opened row with the
// case's next write, once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { openLedger, type Ledger } from '../../ledger/store';
import type { LedgerRow } from '../../ledger/schema';
import { call, eventually, order, sharedKeyring, startStack, type TestStack } from '../api/stack';
import { devServerEnv, ROOT } from '../support/servers';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The record without the store's own columns (the row id and when it was written). */
const record = (rows: LedgerRow[]) =>
  rows
    .map(({ id: _id, recorded_at: _at, ...row }) => ({
      ...row,
      amount_minor: numberOrNull(row.amount_minor),
    }))
    .sort((a, b) => a.event_key.localeCompare(b.event_key));
const numberOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Local-activity markers in a case's history: where the case's own ledger writes are recorded. */
async function localActivities(stack: TestStack, orderId: string): Promise<number> {
  const history = await stack.cases.handle(orderId).fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
  ).length;
}

describe('the case ledger on the real stack (SQLite), and its backfill', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let ledger: Ledger;
  before(async () => {
    stack = await startStack('ledger');
    ledger = await openLedger(stack.config.ledger);
  });
  after(async () => {
    await ledger?.close();
    await stack?.close();
  });

  const rowsFor = async (orderIds: string[]) =>
    ledger.db.selectFrom('ledger_events').selectAll().where('order_id', 'in', orderIds).execute();

  async function backfill(): Promise<Run> {
    const server = await devServerEnv();
    const keyring = sharedKeyring();
    const [[keyId, key]] = [...keyring.keys.entries()] as [[string, Uint8Array]];
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'refundflow.js'),
          'ledger',
          'backfill',
          '--json',
          '--query',
          `WorkflowType = 'refundCase' AND TaskQueue = '${stack.config.temporal.taskQueue}'`,
        ],
        {
          env: {
            ...process.env,
            REFUNDFLOW_FROM_SOURCE: '1',
            TEMPORAL_ADDRESS: server.address,
            REFUNDFLOW_ENCRYPTION_KEYS: `${keyId}:${Buffer.from(key).toString('base64')}`,
            REFUNDFLOW_DATA_DIR: stack.dataDir,
            REFUNDFLOW_DATABASE_URL: '',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('a paid case lands in ledger.sqlite once each, an untouched case’s opened row by sink; the backfill rebuilds what the histories hold, twice', async () => {
    assert.equal(stack.config.ledger.kind, 'sqlite');
    assert.equal(
      stack.config.ledger.kind === 'sqlite' && stack.config.ledger.file,
      path.join(stack.dataDir, 'ledger.sqlite'),
    );
    const paidOrder = order();
    const openOrder = order();
    const paidId = String(paidOrder.orderId);
    const openId = String(openOrder.orderId);
    for (const o of [paidOrder, openOrder])
      assert.equal(
        (
          await call(stack, 'POST', '/v1/cases', {
            as: 'checkout',
            body: { policyId: 'usage-prorata', order: o },
          })
        ).status,
        201,
      );
    // Promptly, with no write of the case's own: the worker's sink wrote the opened rows.
    await eventually(
      async () => (await rowsFor([paidId, openId])).length === 2,
      'both opened rows in the ledger',
      10_000,
    );
    assert.equal(await localActivities(stack, openId), 0, 'no local activity in the untouched case');
    await call(stack, 'PUT', `/v1/orders/${paidId}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    const request = await call(stack, 'POST', `/v1/cases/${paidId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    await eventually(async () => {
      const read = await call(stack, 'GET', `/v1/cases/${paidId}`, { as: 'support' });
      return read.body.status === 'paid';
    }, 'the case to be paid');

    const live = await eventually(async () => {
      const rows = await rowsFor([paidId, openId]);
      return rows.filter((r) => r.order_id === paidId).length >= 4 && rows;
    }, 'the paid case rows in the ledger');
    assert.deepEqual(
      record(live).map((r) => r.event_key),
      [
        `${openId}:opened:1`,
        `${paidId}:decided:1`,
        `${paidId}:opened:1`,
        `${paidId}:paid:1`,
        `${paidId}:requested:1`,
      ].sort(),
    );
    const decided = live.find((r) => r.kind === 'decided')!;
    assert.deepEqual(
      [decided.outcome, Number(decided.amount_minor), decided.currency, decided.policy_id],
      ['full_refund', 1999, 'USD', 'usage-prorata'],
    );
    assert.ok(!JSON.stringify(live).includes(String(paidOrder.customerId)), 'no customer id in the ledger');

    // Visibility lists both runs before the backfill reads it.
    const server = await devServerEnv();
    const query = `WorkflowType = 'refundCase' AND TaskQueue = '${stack.config.temporal.taskQueue}'`;
    await eventually(
      async () => (await server.client.workflow.count(query)).count === 2,
      'both cases listed',
    );
    // The ledger is lost: the histories rebuild what they hold. The untouched case's opened row went
    // by sink only; it reaches history with that case's next write (the paid case's went with its request).
    const inHistory = record(live).filter((r) => r.event_key !== `${openId}:opened:1`);
    await ledger.db.deleteFrom('ledger_events').where('order_id', 'in', [paidId, openId]).execute();
    assert.equal((await rowsFor([paidId, openId])).length, 0);
    const first = await backfill();
    assert.equal(first.code, 0, first.stderr);
    const report = JSON.parse(first.stdout) as {
      runs: number;
      rows: number;
      inserted: number;
      present: number;
    };
    assert.deepEqual([report.runs, report.rows, report.inserted, report.present], [2, 4, 4, 0]);
    assert.deepEqual(record(await rowsFor([paidId, openId])), inHistory);

    // Again, over a full ledger: nothing changes.
    const second = await backfill();
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout) as { inserted: number; present: number };
    assert.deepEqual([again.inserted, again.present], [0, 4]);
    assert.deepEqual(record(await rowsFor([paidId, openId])), inHistory);
  });
});

describe('the case ledger on the real stack: down when a case opens', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let ledger: Ledger;
  before(async () => {
    stack = await startStack('ledger-down');
    ledger = await openLedger(stack.config.ledger);
  });
  after(async () => {
    await ledger?.close();
    await stack?.close();
  });

  it('the opened row arrives with the case’s next write, exactly once, in its history for the backfill', async () => {
    assert.equal(stack.config.ledger.kind, 'sqlite');
    const file = stack.config.ledger.kind === 'sqlite' ? stack.config.ledger.file : '';
    // The worker opens its ledger at its first write: a directory where the file should be makes
    // that open fail, as a ledger that is down (the API keeps the file it opened at start).
    renameSync(file, `${file}.away`);
    mkdirSync(file);
    const o = order();
    const id = String(o.orderId);
    const opened = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o },
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    // Give the sink its try (a failed open takes milliseconds), then bring the ledger back.
    await new Promise((r) => setTimeout(r, 1_500));
    rmdirSync(file);
    renameSync(`${file}.away`, file);
    const rowsOf = () =>
      ledger.db.selectFrom('ledger_events').selectAll().where('order_id', '=', id).execute();
    // Back up, but nothing asks for the row on its own: no retry, no local activity.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(await rowsOf(), [], 'the opened row waits for the case’s next write');
    assert.equal(await localActivities(stack, id), 0);

    await call(stack, 'PUT', `/v1/orders/${id}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    const request = await call(stack, 'POST', `/v1/cases/${id}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    const rows = await eventually(async () => {
      const now = await rowsOf();
      return now.some((r) => r.kind === 'requested') && now;
    }, 'the request’s write');
    const openedRows = rows.filter((r) => r.kind === 'opened');
    assert.deepEqual(
      openedRows.map((r) => r.event_key),
      [`${id}:opened:1`],
      'the opened row, exactly once',
    );
    // In the same append as the request's row (one recorded_at per append), and so in history.
    const requested = rows.find((r) => r.kind === 'requested')!;
    assert.equal(openedRows[0]!.recorded_at, requested.recorded_at);
    assert.ok((await localActivities(stack, id)) >= 1);
  });
});
