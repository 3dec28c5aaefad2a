// The support UI in Debian's chromium: sign in as a reviewer, find a case, submit a technical
// review and see the status change. Saves a screenshot of each page into .test-output/screenshots/,
// or into docs/screenshots/ (the README's pictures) with REFUNDFLOW_UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { KEYS, call, eventually, order, startStack, type TestStack } from '../api/stack';
import { SHOTS, launchChromium } from './browser';

describe('support UI in a real browser', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  const customerId = `cus-ui-${Date.now()}`;
  const reviewed = order({ customerId, productId: 'vm-small' });
  const other = order({ customerId, productId: 'vm-small' });

  before(async function () {
    stack = await startStack('ui');
    for (const o of [reviewed, other]) {
      assert.equal(
        (
          await call(stack, 'POST', '/v1/cases', {
            as: 'checkout',
            body: { policyId: 'cloud-provider-fault', order: o, customerEmail: 'ada@example.com' },
          })
        ).status,
        201,
      );
    }
    await call(stack, 'POST', `/v1/cases/${reviewed.orderId}/issues`, {
      as: 'checkout',
      body: { description: 'The VM does not boot' },
    });
    const requested = await call<{ outcome: string }>(
      stack,
      'POST',
      `/v1/cases/${reviewed.orderId}/refund-requests`,
      { as: 'checkout', body: { reason: 'service_unusable' } },
    );
    assert.equal(requested.body.outcome, 'needs_review');
    const status = (
      await call<{ status: string }>(stack, 'GET', `/v1/cases/${reviewed.orderId}`, { as: 'support' })
    ).body.status;
    // The request waits for the remediation clock; the reviewer's finding settles it.
    assert.equal(status, 'remediation');
    await eventually(
      async () =>
        (
          await call<{ cases: unknown[] }>(
            stack,
            'GET',
            `/v1/cases?customerId=${customerId}&status=${status}`,
            { as: 'support' },
          )
        ).body.cases.length === 1,
      'visibility',
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('refuses a wrong key and signs in a reviewer', async () => {
    await page.goto(stack.url);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'sign-in.png') });
    await page.getByLabel('API key').fill(KEYS.reviewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as reviewer').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('refundflow.key')), KEYS.reviewer);
  });

  it('finds the case with the filters and shows counts per status', async () => {
    await page.getByLabel('Customer').fill(customerId);
    await page.getByLabel('Status', { exact: true }).selectOption('remediation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: 'Cases (1)' }).waitFor();
    const counts = await page.getByRole('list', { name: 'Cases per status' }).innerText();
    assert.match(counts, /remediation: 1/);
    assert.match(counts, /open: 1/);
    await page.screenshot({ path: path.join(SHOTS, 'case-list.png'), fullPage: true });
    await page.getByRole('link', { name: String(reviewed.orderId) }).click();
    await page.getByRole('heading', { name: `Case ${reviewed.orderId}` }).waitFor();
  });

  it('shows deadlines, the decision in plain words, and submits a technical review that changes the status', async () => {
    assert.match(await page.locator('#case-status').innerText(), /remediation/);
    const deadlines = await page.getByRole('region', { name: 'Deadlines' }).innerText();
    assert.match(deadlines, /Request window ends/);
    assert.match(deadlines, /Remediation deadline/);
    const decision = await page.getByRole('region', { name: 'Decision' }).first().innerText();
    assert.match(decision, /needs review/);
    assert.match(decision, /technical review has to confirm/i);
    await page.screenshot({ path: path.join(SHOTS, 'case-in-remediation.png'), fullPage: true });

    // A decision waits for the review, so only the review is offered; its finding has no default.
    assert.equal(await page.getByRole('button', { name: 'Record decision' }).count(), 0);
    await page.getByRole('button', { name: 'Submit review' }).click();
    await page.getByText('Choose the finding').waitFor();
    assert.equal(await page.getByLabel('Finding').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Finding').selectOption('provider_fault');
    await page.getByLabel('Notes').fill('Hypervisor fault on host 12');
    await page.getByRole('button', { name: 'Submit review' }).click();
    await page.locator('#case-status').filter({ hasNotText: 'remediation' }).waitFor();
    const status = await page.locator('#case-status').innerText();
    assert.match(status, /approved|payout pending|paid/);
    assert.match(
      await page.getByRole('region', { name: 'Timeline' }).innerText(),
      /Technical review: provider fault/,
    );
    const read = await call<{ technicalReview?: { outcome: string } }>(
      stack,
      'GET',
      `/v1/cases/${reviewed.orderId}`,
      { as: 'support' },
    );
    assert.equal(read.body.technicalReview?.outcome, 'provider_fault');
    await page.screenshot({ path: path.join(SHOTS, 'case-decided.png'), fullPage: true });
  });

  it('lists the emails sent for the case', async () => {
    await page.getByRole('link', { name: 'Emails for this case' }).click();
    await page.getByRole('heading', { name: `Sent email for ${reviewed.orderId}` }).waitFor();
    assert.match(await page.locator('main').innerText(), /To ada@example.com/);
    await page.screenshot({ path: path.join(SHOTS, 'outbox.png'), fullPage: true });
  });

  it('offers a reviewer no review or decision on a case with nothing to decide', async () => {
    await page.goto(`${stack.url}/#/cases/${other.orderId}`);
    await page.getByRole('heading', { name: `Case ${other.orderId}` }).waitFor();
    assert.match(await page.locator('#case-status').innerText(), /open/);
    assert.equal(await page.getByRole('button', { name: 'Submit review' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Record decision' }).count(), 0);
  });

  it('hides the review and decision forms from support', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(KEYS.support);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as support').waitFor();
    await page.goto(`${stack.url}/#/cases/${other.orderId}`);
    await page.getByRole('heading', { name: `Case ${other.orderId}` }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Submit review' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Record decision' }).count(), 0);
  });
});
