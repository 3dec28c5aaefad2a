// The dashboard in Debian's chromium: the ledger's figures for a window and a policy, charts from
// the project's own chart.js (no other host is asked for anything), the work queue of escalated
// and soon-due cases with links into them, and axe-core finding no serious or critical violation
// at desktop width and at 390 px. Screenshots: dashboard.png and dashboard-mobile.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openLedger } from '../../ledger/store';
import { ROOT } from '../support/servers';
import { marchRows } from '../ledger/fixtures';
import { call, eventually, order, startStack, type TestStack } from '../api/stack';
import { SHOTS, launchChromium, signIn } from './browser';

const AXE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, so the page's CSP (script-src 'self') stays as it is.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } }).axe;
    type Violation = { id: string; impact?: string; nodes: { target: unknown[] }[] };
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}

describe('dashboard in a real browser', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];
  const reviewed = order({ productId: 'vm-small' });

  before(async () => {
    stack = await startStack('dashboard');
    const ledger = await openLedger(stack.config.ledger);
    await ledger.append(marchRows());
    await ledger.close();
    // A case waiting on the remediation clock (five business days): in the work queue due within 14 days.
    assert.equal(
      (
        await call(stack, 'POST', '/v1/cases', {
          as: 'checkout',
          body: { policyId: 'cloud-provider-fault', order: reviewed, customerEmail: 'ada@example.com' },
        })
      ).status,
      201,
    );
    await call(stack, 'POST', `/v1/cases/${reviewed.orderId as string}/issues`, {
      as: 'checkout',
      body: { description: 'The VM does not boot' },
    });
    await call(stack, 'POST', `/v1/cases/${reviewed.orderId as string}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'service_unusable' },
    });
    const soon = new Date(Date.now() + 14 * 86_400_000).toISOString();
    await eventually(async () => {
      const due = await call<{ cases: { orderId: string }[] }>(
        stack,
        'GET',
        `/v1/cases?dueBefore=${encodeURIComponent(soon)}&open=true&limit=200`,
        { as: 'support' },
      );
      return due.body.cases.some((c) => c.orderId === reviewed.orderId);
    }, 'the case is due soon in visibility');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(stack.url)) foreign.push(request.url());
    });
    await signIn(page, stack.url, 'support');
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows March’s figures with charts and tables, then one policy’s', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByLabel('From', { exact: true }).fill('2026-03-01');
    await page.getByLabel('To', { exact: true }).fill('2026-03-31');
    await page.getByRole('button', { name: 'Show' }).click();
    const totals = page.getByRole('list', { name: 'Totals' });
    await totals.getByText('Requests').waitFor();
    assert.equal(
      await totals.locator('li').filter({ hasText: 'Requests' }).locator('.figure').innerText(),
      '6',
    );
    assert.equal(
      await totals.locator('li').filter({ hasText: 'Decisions' }).locator('.figure').innerText(),
      '6',
    );
    assert.equal(
      await totals
        .locator('li')
        .filter({ hasText: 'Payouts past their limit' })
        .locator('.figure')
        .innerText(),
      '2',
    );
    const money = page.getByRole('region', { name: 'Money out' });
    assert.match(await money.innerText(), /USD\s+\$12\.50\s+\$0\.00/);
    assert.match(await money.innerText(), /JPY\s+¥0\s+¥700/);
    const time = page.getByRole('region', { name: 'Decision time against the promise' });
    assert.match(await time.innerText(), /proxy-strict\s+3 business days\s+20 h \/ 30 h\s+2 of 3 \(67 %\)/);
    assert.match(await time.innerText(), /usage-prorata\s+3 days\s+5 h \/ 40 h\s+2 of 2 \(100 %\)/);
    // chart.js came from the API and drew three charts, each named by its figures.
    await page.waitForFunction(() => document.querySelectorAll('canvas').length === 3 && 'Chart' in window);
    assert.match(
      (await page.locator('canvas').first().getAttribute('aria-label')) ?? '',
      /^Decisions by outcome: credit 1, denied 2, full refund 1, needs review 1, partial refund 1$/,
    );
    assert.deepEqual(foreign, [], 'nothing is fetched from another host');

    await page.getByLabel('Policy', { exact: true }).selectOption('usage-prorata');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(/· usage-prorata$/).waitFor();
    assert.equal(
      await totals.locator('li').filter({ hasText: 'Requests' }).locator('.figure').innerText(),
      '2',
    );
    assert.doesNotMatch(await money.innerText(), /USD/);
  });

  it('names a bad window in words instead of figures', async () => {
    await page.goto(`${stack.url}/#/dashboard?from=2026-03-31&to=2026-03-01`);
    await page.getByRole('alert').filter({ hasText: 'to: must be after from' }).waitFor();
  });

  it('lists the soon-due case in the work queue, sorted by deadline, linked to the case', async () => {
    await page.goto(`${stack.url}/#/dashboard`);
    await page.getByLabel('Due within').selectOption('14');
    await page.getByRole('button', { name: 'Show' }).click();
    const queue = page.locator('table.queue');
    const link = queue.getByRole('link', { name: reviewed.orderId as string });
    await link.waitFor();
    const deadlines = await queue.locator('tbody tr td:nth-child(4)').allInnerTexts();
    assert.ok(deadlines.length >= 1);
    await link.click();
    await page.waitForURL(`**/#/cases/${reviewed.orderId as string}`);
    await page
      .getByRole('heading', { level: 1 })
      .filter({ hasText: reviewed.orderId as string })
      .waitFor();
  });

  it('has no serious or critical accessibility violation at desktop width and at 390 px', async () => {
    await page.goto(`${stack.url}/#/dashboard?from=2026-03-01&to=2026-03-31&due=14`);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length === 3);
    await page.locator('table.queue').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'desktop');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.url}/#/dashboard?from=2026-03-01&to=2026-03-31&due=14`);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length === 3);
    await page.locator('table.queue').waitFor();
    assert.deepEqual(await seriousViolations(page), [], '390 px');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page fits 390 px (${overflow} px too wide)`);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-mobile.png'), fullPage: true });
  });
});
