// appendLedger's side (activities/ledger.ts) on the real SQLite ledger (ledger/store.ts): a retried
// batch adds nothing, and a ledger that refuses, hangs or cannot be opened answers `written: false`
// in bounded time instead of failing the case's workflow task; a lazily opened ledger recovers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { LedgerEntry } from '../../activities/contract';
import { appendToLedger, lazyLedger, type LedgerPort } from '../../activities/ledger';
import { packLedgerRows, unpackLedgerRows } from '../../activities/ledger-pack';
import { ledgerRowsIn } from '../../ledger/backfill';
import { openLedger, type Ledger } from '../../ledger/store';

const row = (orderId: string, kind: LedgerEntry['kind'], n = 1): LedgerEntry => ({
  event_key: `${orderId}:${kind}:${n}`,
  order_id: orderId,
  kind,
  occurred_at: '2026-03-02T10:00:00.000Z',
  policy_id: 'usage-prorata',
  policy_version: '3',
  outcome: kind === 'decided' ? 'full_refund' : null,
  amount_minor: kind === 'decided' ? 1999 : null,
  currency: kind === 'decided' ? 'USD' : null,
  reason_codes: '[]',
  actor_role: 'system',
  actor_id: null,
  requested_at: null,
  deadline_at: null,
});

describe('appendLedger on the SQLite ledger', () => {
  let dir: string;
  let ledger: Ledger;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'refundflow-ledger-'));
    ledger = await openLedger({ kind: 'sqlite', file: path.join(dir, 'ledger.sqlite') });
  });
  afterEach(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a batch once: the same rows again (a retry) add nothing, new ones beside them are added', async () => {
    const first = await appendToLedger(ledger, [row('o1', 'opened'), row('o1', 'requested')]);
    assert.deepEqual([first.written, first.inserted], [true, 2]);
    const retry = await appendToLedger(ledger, [
      row('o1', 'opened'),
      row('o1', 'requested'),
      row('o1', 'decided'),
    ]);
    assert.deepEqual([retry.written, retry.inserted], [true, 1]);
    // The rows come back as given (packed): the local activity's result is what history keeps for
    // the backfill.
    assert.deepEqual(unpackLedgerRows(retry.packed!), [
      row('o1', 'opened'),
      row('o1', 'requested'),
      row('o1', 'decided'),
    ]);
    const stored = await ledger.db.selectFrom('ledger_events').selectAll().orderBy('id').execute();
    assert.deepEqual(
      stored.map((r) => r.event_key),
      ['o1:opened:1', 'o1:requested:1', 'o1:decided:1'],
    );
    assert.ok(
      stored.every((r) => !Number.isNaN(Date.parse(r.recorded_at))),
      'recorded_at stamped',
    );
    assert.equal(Number(stored[2]!.amount_minor), 1999);
  });

  it('a ledger that refuses or hangs answers written: false, within the bound, with the rows', async () => {
    const refusing: LedgerPort = { append: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const refused = await appendToLedger(refusing, [row('o2', 'opened')]);
    assert.deepEqual([refused.written, refused.error], [false, 'ECONNREFUSED']);
    assert.deepEqual(unpackLedgerRows(refused.packed!), [row('o2', 'opened')]);

    const hanging: LedgerPort = { append: () => new Promise<number>(() => undefined) };
    const started = Date.now();
    const hung = await appendToLedger(hanging, [row('o2', 'opened')], 200);
    assert.equal(hung.written, false);
    assert.match(hung.error ?? '', /did not answer within 200 ms/);
    assert.ok(Date.now() - started < 5_000, 'answered at the bound, not when the database did');

    // No ledger configured: nothing to retry for (the rows stay in history, for a backfill).
    const none = await appendToLedger(undefined, [row('o2', 'opened')]);
    assert.deepEqual([none.written, none.inserted, none.packed?.rows.length], [true, 0, 1]);
  });

  it('a ledger opened lazily: a worker starts while the database is down and writes once it is back', async () => {
    let down = true;
    let opens = 0;
    const lazy = lazyLedger(async () => {
      opens++;
      if (down) throw new Error('database unavailable');
      return ledger;
    });
    const whileDown = await appendToLedger(lazy, [row('o3', 'opened')]);
    assert.deepEqual([whileDown.written, whileDown.error], [false, 'database unavailable']);
    down = false;
    const back = await appendToLedger(lazy, [row('o3', 'opened')]);
    assert.deepEqual([back.written, back.inserted], [true, 1]);
    await appendToLedger(lazy, [row('o3', 'requested')]);
    assert.equal(opens, 2, 'opened again after the failure, then kept');
  });
});

describe('the ledger rows packed for history (activities/ledger-pack.ts)', () => {
  it('unpacks to the very rows: fields set, nulls, and rows of another order or key carried whole', () => {
    const full: LedgerEntry = {
      ...row('o4', 'paid', 2),
      outcome: 'approved',
      amount_minor: 0,
      currency: 'EUR',
      reason_codes: '["OUTSIDE_GATEWAY"]',
      actor_role: 'support',
      actor_id: 'key-7',
      requested_at: '2026-03-01T09:00:00.000Z',
      deadline_at: '2026-03-09T00:00:00.000Z',
    };
    const odd = { ...row('o4', 'closed'), event_key: 'legacy-key' };
    const rows = [
      row('o4', 'opened'),
      full,
      row('o5', 'opened'),
      odd,
      { ...row('o4', 'closed'), policy_version: '4' },
    ];
    const packed = packLedgerRows(rows)!;
    assert.equal(packed.rows.length, 2, 'the rows that fit are packed');
    assert.equal(packed.whole?.length, 3, 'the others are whole');
    const back = unpackLedgerRows(packed);
    const byKey = (list: LedgerEntry[]) =>
      [...list].sort((a, b) =>
        (a.event_key + a.order_id + a.policy_version).localeCompare(
          b.event_key + b.order_id + b.policy_version,
        ),
      );
    assert.deepEqual(byKey(back), byKey(rows));
    const fitting = [row('o4', 'opened'), full, row('o4', 'closed')];
    assert.ok(
      JSON.stringify(packLedgerRows(fitting)).length < JSON.stringify(fitting).length * 0.6,
      'a batch of one case packs small',
    );
    assert.equal(packLedgerRows([]), undefined);
  });

  it('the backfill reads the packed rows and the whole rows of histories recorded before the packing', async () => {
    const marker = (result: unknown) => ({
      markerRecordedEventAttributes: {
        markerName: 'core_local_activity',
        details: {
          data: { payloads: [defaultPayloadConverter.toPayload({ activity_type: 'appendLedger' })] },
          result: { payloads: [defaultPayloadConverter.toPayload(result)] },
        },
      },
    });
    const older = [row('o6', 'opened')];
    const newer = [row('o6', 'requested'), row('o6', 'decided')];
    const rows = await ledgerRowsIn(
      [
        marker({ written: true, inserted: 1, rows: older }),
        marker({ written: false, inserted: 0, packed: packLedgerRows(newer) }),
      ],
      [],
    );
    assert.deepEqual(rows, [...older, ...newer]);
  });
});
