// The support desk's case list (issue 19): more cases than one page, read a page at a time in
// each sort, every case exactly once, the total equal to the status counts; search by order id
// prefix, customer id prefix and customer email (through billing); page tokens that do not
// belong to the query refused by name; the outbox paged the same way. On the shared dev server
// (its SQLite visibility refuses ORDER BY, so sorted pages are sorted by the API).
import assert from 'node:assert/strict';
import { call, eventually, order, startStack, type TestStack } from './stack';

interface Summary {
  orderId: string;
  customerId?: string;
  nextDeadline?: string;
  startedAt: string;
}
interface ListBody {
  cases: Summary[];
  counts: Record<string, number>;
  total: number;
  nextPageToken?: string;
  error?: string;
  issues?: { path: string; message: string }[];
}

const N = 125;
const CUSTOMERS = 7;

describe('API: the case list a page at a time (issue 19)', function () {
  this.timeout(300_000);
  let stack: TestStack;
  // Every id of this run starts with the prefix: other suites' cases on the shared server stay out.
  const run = `dk${Date.now().toString(36)}`;
  const orders: { orderId: string; customerId: string }[] = [];
  const emailOf = (c: number) => `customer${c}.${run}@example.com`;

  before(async () => {
    stack = await startStack('api-case-list');
    const specs = Array.from({ length: N }, (_, i) => ({
      orderId: `${run}-o${i}`,
      customerId: `${run}-c${i % CUSTOMERS}`,
      // Purchases spread over five days, so the next deadlines (the request windows) differ.
      purchasedAt: new Date(Date.now() - (1 + (i % 5)) * 86_400_000 - i * 1000).toISOString(),
    }));
    for (let i = 0; i < specs.length; i += 10)
      await Promise.all(
        specs.slice(i, i + 10).map(async (s, j) => {
          const res = await call(stack, 'POST', '/v1/cases', {
            as: 'checkout',
            body: {
              policyId: 'proxy-strict',
              order: order({ orderId: s.orderId, customerId: s.customerId, purchasedAt: s.purchasedAt }),
              customerEmail: emailOf((i + j) % CUSTOMERS),
            },
          });
          assert.equal(res.status, 201, JSON.stringify(res.body));
        }),
      );
    orders.push(...specs.map(({ orderId, customerId }) => ({ orderId, customerId })));
    await eventually(
      async () => (await list(`q=${run}`)).body.total === N,
      'visibility to list every case',
      60_000,
    );
  });
  after(async () => stack?.close());

  const list = (query: string) => call<ListBody>(stack, 'GET', `/v1/cases?${query}`, { as: 'support' });

  /** Every page of a query, checking each page's total and counts on the way. */
  async function allPages(query: string, pageSize: number): Promise<Summary[]> {
    const seen: Summary[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await list(`${query}&pageSize=${pageSize}${token ? `&pageToken=${token}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.cases.length <= pageSize);
      assert.ok(res.body.cases.length > 0 || res.body.total === 0, 'no empty page after the last');
      assert.equal(
        Object.values(res.body.counts).reduce((a, b) => a + b, 0),
        res.body.total,
        'the status counts add up to the total',
      );
      seen.push(...res.body.cases);
      token = res.body.nextPageToken;
      assert.ok(++pages <= N, 'paging ends');
    } while (token);
    return seen;
  }

  const exactlyOnce = (seen: Summary[], expected: string[]) => {
    const ids = seen.map((s) => s.orderId);
    assert.equal(new Set(ids).size, ids.length, 'no case twice');
    assert.deepEqual([...ids].sort(), [...expected].sort(), 'every case');
  };

  it('pages through every case exactly once in visibility order, the total from visibility', async () => {
    const first = await list(`q=${run}&pageSize=20`);
    assert.equal(first.body.total, N);
    assert.equal(first.body.cases.length, 20);
    assert.ok(first.body.nextPageToken);
    exactlyOnce(
      await allPages(`q=${run}`, 20),
      orders.map((o) => o.orderId),
    );
    // 125 in pages of 25: the fifth page is full and the last (no token to an empty sixth).
    exactlyOnce(
      await allPages(`q=${run}`, 25),
      orders.map((o) => o.orderId),
    );
    // `limit` is the older name of pageSize, and pages too.
    const limited = await list(`q=${run}&limit=7`);
    assert.equal(limited.body.cases.length, 7);
    assert.ok(limited.body.nextPageToken);
  });

  it('sorts by next deadline and by opening time, both ways, every case once', async () => {
    const all = orders.map((o) => o.orderId);
    const byDeadline = await allPages(`q=${run}&sort=deadline`, 30);
    exactlyOnce(byDeadline, all);
    const deadlines = byDeadline.map((s) => Date.parse(s.nextDeadline!));
    assert.ok(deadlines.every(Number.isFinite), 'every open case has a next deadline');
    assert.deepEqual(
      deadlines,
      [...deadlines].sort((a, b) => a - b),
      'soonest deadline first',
    );
    const latest = await allPages(`q=${run}&sort=deadline&order=desc`, 50);
    exactlyOnce(latest, all);
    assert.equal(latest[0]!.nextDeadline, byDeadline[byDeadline.length - 1]!.nextDeadline);
    const opened = await allPages(`q=${run}&sort=opened&order=asc`, 40);
    exactlyOnce(opened, all);
    const starts = opened.map((s) => Date.parse(s.startedAt));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      'oldest first',
    );
  });

  it('searches by order id prefix, customer id prefix and the customer email', async () => {
    // o1, o10–o19 and o100–o124.
    const byOrder = await allPages(`q=${run}-o1`, 50);
    exactlyOnce(
      byOrder,
      orders.filter((o) => /-o1\d*$/.test(o.orderId)).map((o) => o.orderId),
    );
    const one = await list(`q=${run}-o42`);
    assert.deepEqual(
      one.body.cases.map((c) => c.orderId),
      [`${run}-o42`],
    );
    assert.equal(one.body.total, 1);
    assert.equal(
      (await list(`q=${run}-o42&pageSize=1`)).body.nextPageToken,
      undefined,
      'a full last page is last',
    );
    const byCustomer = await allPages(`q=${run}-c3`, 50);
    exactlyOnce(
      byCustomer,
      orders.filter((o) => o.customerId === `${run}-c3`).map((o) => o.orderId),
    );
    // The email is billing's: it resolves to that customer's orders.
    const customer = orders.find((_, i) => i % CUSTOMERS === 5)!.customerId;
    const byEmail = await list(`q=${encodeURIComponent(emailOf(5).toUpperCase())}&pageSize=200`);
    assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body));
    exactlyOnce(
      byEmail.body.cases,
      orders.filter((o) => o.customerId === customer).map((o) => o.orderId),
    );
    assert.equal(byEmail.body.total, byEmail.body.cases.length);
    const nobody = await list(`q=${encodeURIComponent(`nobody.${run}@example.com`)}`);
    assert.equal(nobody.status, 200);
    assert.deepEqual([nobody.body.total, nobody.body.cases.length], [0, 0]);
    // Filters combine with the search: this run's cases are all open, none escalated.
    assert.equal((await list(`q=${run}&escalated=true`)).body.total, 0);
    assert.equal((await list(`q=${run}&escalated=false`)).body.total, N);
    assert.equal((await list(`q=${run}&status=open&pageSize=5`)).body.total, N);
  });

  it('refuses a page token of another query, a made-up one and a page size out of range, by name', async () => {
    const first = await list(`q=${run}&pageSize=10`);
    const token = first.body.nextPageToken!;
    for (const query of [`q=${run}-c1&pageToken=${token}`, `q=${run}&sort=deadline&pageToken=${token}`]) {
      const res = await list(query);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.issues?.[0]?.path, 'pageToken', JSON.stringify(res.body));
    }
    for (const bad of ['bm90LWEtdG9rZW4', 'not a token']) {
      const res = await list(`q=${run}&pageToken=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.issues?.[0]?.path, 'pageToken');
    }
    for (const size of ['0', '201', 'x']) {
      const res = await list(`pageSize=${size}`);
      assert.equal(res.status, 400, size);
      assert.equal(res.body.issues?.[0]?.path, 'pageSize');
    }
    const sort = await list('sort=newest');
    assert.equal(sort.body.issues?.[0]?.path, 'sort');
  });

  it('pages the outbox with its total, every message once', async () => {
    type Outbox = { messages: { seq: number }[]; total: number; nextPageToken?: string };
    for (const o of orders.slice(0, 4))
      await call(stack, 'POST', `/v1/cases/${o.orderId}/refund-requests`, {
        as: 'checkout',
        body: { reason: 'changed_mind' },
      });
    const first = await eventually(async () => {
      const res = await call<Outbox>(stack, 'GET', '/v1/outbox?pageSize=1', { as: 'support' });
      return res.body.total >= 4 && res;
    }, 'the request-received emails');
    assert.equal(first.body.messages.length, 1);
    const seqs: number[] = [];
    let token: string | undefined;
    do {
      const res = await call<Outbox>(
        stack,
        'GET',
        `/v1/outbox?pageSize=3${token ? `&pageToken=${token}` : ''}`,
        {
          as: 'support',
        },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      seqs.push(...res.body.messages.map((m) => m.seq));
      token = res.body.nextPageToken;
    } while (token);
    assert.equal(new Set(seqs).size, seqs.length);
    // Emails keep arriving (request-received and the like); the total is at least what was read then.
    assert.ok(
      seqs.length >= first.body.total && first.body.total > 0,
      `${seqs.length} of ${first.body.total}`,
    );
    const other = await call<{ issues?: { path: string }[] }>(
      stack,
      'GET',
      `/v1/outbox?orderId=${run}-o1&pageToken=${first.body.nextPageToken ?? 'eyJzIjoxfQ'}`,
      { as: 'support' },
    );
    assert.equal(other.status, 400);
    assert.equal(other.body.issues?.[0]?.path, 'pageToken');
  });
});
