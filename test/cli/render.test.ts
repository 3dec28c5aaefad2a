// What `refundflow case list|show` print: tables that stay readable whatever the values hold.
import assert from 'node:assert/strict';
import { MAX_CELL, printCase, printCaseList, table } from '../../client/cli/render';

const summary = (orderId: string, more: Partial<{ status: string; escalated: boolean }> = {}) => ({
  orderId,
  status: more.status ?? 'under_review',
  policyId: 'proxy-strict',
  customerId: 'cus-7',
  nextDeadline: '2026-03-02T17:00:00.000Z',
  escalated: more.escalated ?? false,
});

describe('CLI: rendering', () => {
  it('a 600-character order id is cut short and the other columns stay on its line, in their columns', () => {
    const long = `ord-${'x'.repeat(596)}`;
    const out = printCaseList({
      cases: [summary(long, { escalated: true }), summary('ord-2', { status: 'paid' })],
      counts: { under_review: 1, paid: 1 },
    });
    const lines = out.split('\n');
    const [header, first, second] = lines as [string, string, string];
    for (const line of lines)
      assert.ok(line.length <= 160, `a line of ${line.length} characters: ${line.slice(0, 60)}…`);
    assert.ok(first.startsWith(`${long.slice(0, MAX_CELL - 1)}…`), first.slice(0, 60));
    assert.ok(!first.includes(long), 'the whole id is not printed');
    for (const [column, value] of [
      ['status', 'under_review !'],
      ['policy', 'proxy-strict'],
      ['customer', 'cus-7'],
      ['next deadline', '2026-03-02T17:00:00.000Z'],
    ] as const)
      assert.equal(first.indexOf(value), header.indexOf(column), `${column} lines up`);
    assert.equal(second.indexOf('paid'), header.indexOf('status'));
    assert.equal(lines.at(-1), 'under_review: 1  paid: 1');
  });

  it('short values print whole, columns two spaces apart, no borders and no trailing blanks', () => {
    const out = table(
      ['order', 'status'],
      [
        ['o-1', 'open'],
        ['o-22', ''],
      ],
    );
    assert.equal(out, ['order  status', 'o-1    open', 'o-22'].join('\n'));
  });

  it('an empty list says so', () => {
    assert.match(printCaseList({ cases: [], counts: {} }), /no cases$/);
  });

  it("a staff case shows its timeline, a long summary cut at the table's edge, never the whole of it", () => {
    const long = 'the customer wrote at length: '.padEnd(400, 'z');
    const out = printCase({
      orderId: 'ord-9',
      status: 'under_review',
      policyId: 'proxy-strict',
      currency: 'EUR',
      paidMinor: 0,
      deadlines: { decision: '2026-03-02T17:00:00.000Z' },
      customerId: 'cus-9',
      escalated: false,
      timeline: [
        {
          at: '2026-03-01T10:00:00.000Z',
          type: 'refund_requested',
          actor: { role: 'checkout' },
          summary: long,
        },
      ],
    });
    assert.match(out, /order\s+ord-9/);
    assert.match(out, /decision\s+2026-03-02T17:00:00.000Z/);
    assert.match(out, /refund_requested\s+checkout\s+the customer wrote at length: z+…/);
    assert.ok(!out.includes(long));
  });
});
