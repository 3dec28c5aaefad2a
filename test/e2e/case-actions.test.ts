// The support UI's case actions in Debian's chromium, on a real stack (dev server, worker, API,
// sandbox gateway): the payout route when the gateway fails a refund (retry, a payout made
// outside the gateway, credit instead), a dispute recorded by support and decided by a reviewer
// within the policy, and events after close flagged until support acknowledges them. Each test
// asserts what the person sees and what the case becomes (read back through the API).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SandboxGateway, embeddedFiles } from '../../activities';
import { lateEventsWorkflowId } from '../../workflows/late-events';
import { call, eventually, order, startStack, type TestStack } from '../api/stack';
import { SHOTS, launchChromium, signIn } from './browser';

interface CaseBody {
  status: string;
  escalated: boolean;
  closed: boolean;
  payoutRoute?: { reason: string };
  payout?: {
    attempt: number;
    status: string;
    amountMinor: number;
    outside?: { reference: string; method: string };
  };
  decision?: { outcome: string; amountMinor: number; reasons: string[]; creditMinor?: number };
  dispute?: { description: string };
  lateEvents?: {
    total: number;
    events: { key: string; acknowledgedAt?: string; acknowledgeNote?: string }[];
  };
}

describe('support UI: payout route, disputes and late events in a real browser', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let gateway: SandboxGateway;
  let browser: Browser;
  let page: Page;

  before(async () => {
    stack = await startStack('ui-actions');
    gateway = SandboxGateway.open(path.join(stack.dataDir, embeddedFiles.gateway));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
    await stack?.close();
  });
  let pageErrors: string[] = [];
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterEach(async function () {
    const main = await page
      ?.locator('main')
      .innerText()
      .catch(() => '');
    await page?.close();
    // A script error in the page fails the test that caused it, with what the page showed.
    if (this.currentTest?.state === 'passed')
      assert.deepEqual(pageErrors, [], 'no script errors in the page');
    else if (pageErrors.length || main)
      console.log('page errors:', pageErrors, '\npage:', main?.slice(0, 600));
  });

  const read = async (orderId: string) =>
    (await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' })).body;
  const open = async (orderId: string) => {
    const url = `${stack.url}/#/cases/${encodeURIComponent(orderId)}`;
    // The same address again only changes nothing (a hash): load the page afresh.
    if (page.url() === url) await page.reload();
    else await page.goto(url);
    await page.getByRole('heading', { name: `Case ${orderId}` }).waitFor();
  };
  const region = (name: string) => page.getByRole('region', { name, exact: true });
  const form = (name: string) => page.getByRole('form', { name });
  const dialog = () => page.getByRole('dialog', { name: 'Please confirm' });

  /** A usage-prorata case (nothing used) whose refund of $19.99 the sandbox gateway fails. */
  async function failedPayout(): Promise<string> {
    const o = order({ amountMinor: 1999 });
    const orderId = String(o.orderId);
    gateway.setOrderFailure(orderId, 'insufficient_funds');
    const started = await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'usage-prorata', order: o, customerEmail: 'payer@example.com' },
    });
    assert.equal(started.status, 201);
    await call(stack, 'PUT', `/v1/orders/${orderId}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    await call(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    await eventually(async () => {
      const c = await read(orderId);
      return c.payout?.status === 'failed' && c.escalated && c.payoutRoute && c;
    }, 'the gateway to fail the refund and the payout route to open');
    return orderId;
  }

  it('payout route: a reviewer is offered nothing; support records a payout made outside the gateway, after checks and a confirmation naming the amount', async () => {
    const orderId = await failedPayout();
    await signIn(page, stack.url, 'reviewer');
    await open(orderId);
    assert.match(await region('Escalated').innerText(), /the gateway reported|refund failed|failed/i);
    assert.equal(await region('Payout route').count(), 0, 'the payout route is support’s');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, stack.url, 'support');
    await open(orderId);
    const route = region('Payout route');
    assert.match(await route.innerText(), /\$19\.99/);
    assert.match(await route.innerText(), /the gateway reported the refund failed/);
    await page.screenshot({ path: path.join(SHOTS, 'case-payout-route.png'), fullPage: true });

    const outside = form('Record a payout made outside the gateway');
    // Checks in the browser, each next to its field.
    await outside.getByRole('button', { name: 'Record the payout' }).click();
    await outside.getByText("Enter the payment's reference").waitFor();
    assert.equal(await outside.getByLabel('Reference of the payment').getAttribute('aria-invalid'), 'true');
    await outside.getByLabel('Reference of the payment').fill('BT-2026-0042');
    await outside.getByLabel('Amount paid (USD)').fill('19.999');
    await outside.getByRole('button', { name: 'Record the payout' }).click();
    await outside.getByText('USD has at most 2 decimals').waitFor();
    assert.equal(
      await outside.getByText("Enter the payment's reference").count(),
      0,
      'the earlier error is cleared on the next attempt',
    );
    await outside.getByLabel('Amount paid (USD)').fill('25');
    await outside.getByRole('button', { name: 'Record the payout' }).click();
    await outside.getByText('At most $19.99').waitFor();
    await outside.getByLabel('Amount paid (USD)').fill('19.99');
    await outside.getByLabel('Method').selectOption('bank_transfer');

    // The confirmation names the amount; cancelling moves nothing.
    await outside.getByRole('button', { name: 'Record the payout' }).click();
    assert.match(
      await dialog().innerText(),
      /Record \$19\.99 paid outside the gateway by bank transfer \(BT-2026-0042\)/,
    );
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await read(orderId)).status, 'approved');
    assert.equal((await read(orderId)).escalated, true);

    await outside.getByRole('button', { name: 'Record the payout' }).click();
    await dialog().getByRole('button', { name: 'Record $19.99' }).click();
    await page.locator('#case-status').filter({ hasText: 'paid' }).waitFor();
    assert.match(
      await page.locator('#case-payout').innerText(),
      /\$19\.99 succeeded outside the gateway by bank transfer, reference BT-2026-0042/,
    );
    assert.equal(await region('Payout route').count(), 0, 'the route closes once taken');
    assert.equal(await region('Escalated').count(), 0, 'escalation cleared');
    const after = await read(orderId);
    assert.equal(after.status, 'paid');
    assert.equal(after.escalated, false);
    assert.deepEqual(
      [after.payout?.amountMinor, after.payout?.outside?.reference, after.payout?.outside?.method],
      [1999, 'BT-2026-0042', 'bank_transfer'],
    );
  });

  it('payout route: support retries the refund to the original method once the gateway would take it; it is paid once', async () => {
    const orderId = await failedPayout();
    await signIn(page, stack.url, 'support');
    await open(orderId);
    gateway.setOrderFailure(orderId, null);
    const retry = form('Retry the refund');
    await retry.getByRole('button', { name: 'Retry the refund' }).click();
    await retry.getByText('Say why the refund is retried').waitFor();
    await retry.getByLabel('Note for the case record').fill('The card was topped up');
    await retry.getByRole('button', { name: 'Retry the refund' }).click();
    assert.match(
      await dialog().innerText(),
      /Send \$19\.99 to the customer's original payment method again\?/,
    );
    await dialog().getByRole('button', { name: 'Send $19.99' }).click();
    await region('Payout route').waitFor({ state: 'detached' });
    const paid = await eventually(async () => {
      const c = await read(orderId);
      return c.status === 'paid' && c;
    }, 'the retried refund to settle');
    assert.equal(paid.escalated, false);
    assert.equal(paid.payout?.attempt, 2);
    assert.equal(paid.payout?.amountMinor, 1999);
    await open(orderId);
    assert.match(await page.locator('#case-status').innerText(), /paid/);
    assert.equal(await region('Payout route').count(), 0);
  });

  it('payout route: support grants credit instead, within the cash paid', async () => {
    const orderId = await failedPayout();
    await signIn(page, stack.url, 'support');
    await open(orderId);
    const credit = form('Grant credit instead');
    await credit.getByLabel('Credit (USD)').fill('20');
    await credit.getByLabel('Note for the case record').fill('Customer prefers credit');
    await credit.getByRole('button', { name: 'Grant credit' }).click();
    await credit.getByText('At most $19.99').waitFor();
    await credit.getByLabel('Credit (USD)').fill('10');
    await credit.getByRole('button', { name: 'Grant credit' }).click();
    assert.match(await dialog().innerText(), /Grant \$10\.00 of account credit instead of the refund\?/);
    await dialog().getByRole('button', { name: 'Grant $10.00' }).click();
    const credited = await eventually(async () => {
      const c = await read(orderId);
      return c.status === 'credited' && c;
    }, 'the credit to be issued');
    assert.equal(credited.decision?.outcome, 'credit');
    assert.equal(credited.decision?.creditMinor, 1000);
    assert.equal(credited.escalated, false);
    await open(orderId);
    assert.match(await page.locator('#case-status').innerText(), /credited/);
  });

  it('disputes: support records the dispute of a denial; the reviewer sees it and may decide only within the policy', async () => {
    const o = order({ serviceDate: new Date(Date.now() - 86_400_000).toISOString() });
    const orderId = String(o.orderId);
    await call(stack, 'POST', '/v1/cases', {
      as: 'checkout',
      body: { policyId: 'services-fix-first', order: o },
    });
    const denied = await call<CaseBody>(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    assert.equal(denied.body.decision?.outcome, 'denied');

    await signIn(page, stack.url, 'reviewer');
    await open(orderId);
    assert.equal(await form("Record the customer's dispute").count(), 0, 'reviewers do not take disputes');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, stack.url, 'support');
    await open(orderId);
    const record = form("Record the customer's dispute");
    await record.getByRole('button', { name: 'Record dispute' }).click();
    await record.getByText('Say what the customer disputes').waitFor();
    await record.getByLabel('What the customer says').fill('The client cancelled the project');
    await record.getByRole('button', { name: 'Record dispute' }).click();
    await region('Dispute').filter({ hasText: 'The client cancelled the project' }).waitFor();
    assert.match(await page.locator('#case-status').innerText(), /under review/);
    assert.equal(await form("Record the customer's dispute").count(), 0, 'one dispute per denial');
    assert.equal(
      await page.getByRole('button', { name: 'Record decision' }).count(),
      0,
      'support does not decide',
    );
    const disputed = await read(orderId);
    assert.equal(disputed.status, 'under_review');
    assert.equal(disputed.dispute?.description, 'The client cancelled the project');
    assert.ok(disputed.decision?.reasons.includes('DISPUTE_REVIEW'));
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, stack.url, 'reviewer');
    await open(orderId);
    const decide = form('Decide the dispute');
    assert.equal(
      await form('Technical review').count(),
      0,
      'a dispute waits for a decision, not a technical review',
    );
    const outcome = decide.getByLabel('Outcome');
    const options = await outcome.locator('option').allInnerTexts();
    assert.equal(await outcome.inputValue(), 'denied', 'the safe default upholds the denial');
    assert.ok(options.includes('uphold the denial'), options.join());
    assert.ok(
      !options.some((o) => /full refund/.test(o)),
      `no full refund on services-fix-first: ${options.join()}`,
    );
    const creditOption = options.find((o) => o.startsWith('credit'));
    assert.ok(creditOption, options.join());
    await page.screenshot({ path: path.join(SHOTS, 'case-dispute.png'), fullPage: true });

    await outcome.selectOption('credit');
    await decide.getByLabel('Amount, for a partial refund or credit (USD)').fill('30');
    await decide.getByLabel(/Internal note for the case record/).fill('An exception outside the terms');
    await decide.getByRole('button', { name: 'Record decision' }).click();
    await decide.getByText(/^At most \$/).waitFor();
    await decide.getByLabel('Amount, for a partial refund or credit (USD)').fill('12.50');
    await decide.getByRole('button', { name: 'Record decision' }).click();
    assert.match(await dialog().innerText(), /Grant \$12\.50 of account credit\?/);
    await dialog().getByRole('button', { name: 'Grant $12.50' }).click();
    await page.locator('#case-status').filter({ hasNotText: 'under review' }).waitFor();
    const decided = await read(orderId);
    assert.equal(decided.decision?.outcome, 'credit');
    assert.equal(decided.decision?.amountMinor, 1250);
    assert.equal(await form('Decide the dispute').count(), 0);
  });

  it('late events: flagged on the ended case until support acknowledges them; then the record completes', async () => {
    const o = order();
    const orderId = String(o.orderId);
    await call(stack, 'POST', '/v1/cases', { as: 'checkout', body: { policyId: 'proxy-strict', order: o } });
    await call(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'billing_error' },
    });
    await call(stack, 'POST', `/v1/cases/${orderId}/withdrawal`, { as: 'checkout', body: {} });
    await eventually(
      async () => (await stack.cases.handle(orderId).describe()).status.name === 'COMPLETED',
      'the withdrawn case to end',
    );
    await call(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
      as: 'support',
      body: { active: true, reference: 'cb-ui-1', note: 'card network notice' },
    });
    await eventually(
      async () => (await read(orderId)).lateEvents?.total === 1,
      'the late event to be recorded',
    );

    await signIn(page, stack.url, 'reviewer');
    await open(orderId);
    const late = region('After the case ended (1)');
    assert.match(await late.innerText(), /needs attention/);
    assert.match(await late.innerText(), /chargeback was opened \(cb-ui-1\)/);
    assert.equal(await form('Acknowledge late events').count(), 0, 'acknowledging is support’s');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, stack.url, 'support');
    await open(orderId);
    // Another event arrives while the page is open: the tab shows it when it comes back into view.
    await call(stack, 'POST', `/v1/cases/${orderId}/chargebacks`, {
      as: 'support',
      body: { active: false, reference: 'cb-ui-1', note: 'withdrawn by the bank' },
    });
    await eventually(async () => (await read(orderId)).lateEvents?.total === 2, 'the second late event');
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await region('After the case ended (2)').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'case-late-events.png'), fullPage: true });
    const ack = form('Acknowledge late events');
    await ack.getByLabel('What was done (optional)').fill('Evidence sent to the card network');
    await ack.getByRole('button', { name: 'Acknowledge 2 events' }).click();
    await region('After the case ended (2)').filter({ hasText: 'Every event is acknowledged' }).waitFor();
    assert.match(
      await region('After the case ended (2)').innerText(),
      /Acknowledged .* by support: Evidence sent to the card network/,
    );
    assert.equal(await form('Acknowledge late events').count(), 0);
    const after = await read(orderId);
    assert.ok(after.lateEvents?.events.every((e) => e.acknowledgedAt));
    assert.equal(after.lateEvents?.events[0]?.acknowledgeNote, 'Evidence sent to the card network');
    await eventually(
      async () =>
        (await stack.cases.client.workflow.getHandle(lateEventsWorkflowId(orderId)).describe()).status
          .name === 'COMPLETED',
      'the late-event record to complete',
    );
  });
});
