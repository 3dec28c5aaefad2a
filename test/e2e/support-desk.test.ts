// The support UI as a desk people work at all day (issue 19), in Debian's chromium on a real stack:
// signing in (a checkout key refused, the page asked for reached, the key shared by the browser's
// tabs), keyboard-only use, finding cases (status pills, the escalated filter, pages with honest
// totals), a reviewer's decision in major units with its bounds, preview, confirmation and a
// visible "Saved", a tab left open while someone else acted, the timeline in plain words, and
// every page at desktop and phone width without sideways scrolling or serious axe violations.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SandboxGateway, embeddedFiles } from '../../activities';
import { KEYS, call, eventually, order, startStack, type TestStack } from '../api/stack';
import { seriousViolations, sidewaysOverflow } from './axe';
import { SHOTS, launchChromium, signIn } from './browser';

interface CaseBody {
  status: string;
  escalated: boolean;
  payoutRoute?: unknown;
  payout?: { status: string };
  decision?: { outcome: string; amountMinor: number };
}

describe('support UI as a working desk', function () {
  this.timeout(240_000);
  let stack: TestStack;
  let gateway: SandboxGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const customerId = `cus-desk-${Date.now().toString(36)}`;
  const orderIds: Record<'remediation' | 'disputed' | 'stale' | 'escalated', string> = {
    remediation: '',
    disputed: '',
    stale: '',
    escalated: '',
  };

  const read = async (orderId: string) =>
    (await call<CaseBody>(stack, 'GET', `/v1/cases/${orderId}`, { as: 'support' })).body;
  const start = async (policyId: string, o: Record<string, unknown>) =>
    assert.equal(
      (
        await call(stack, 'POST', '/v1/cases', {
          as: 'checkout',
          body: { policyId, order: o, customerEmail: 'desk@example.com' },
        })
      ).status,
      201,
    );
  /** A services-fix-first denial the customer disputed: a reviewer decides within the policy. */
  async function disputed(): Promise<string> {
    const o = order({ customerId, serviceDate: new Date(Date.now() - 86_400_000).toISOString() });
    await start('services-fix-first', o);
    const orderId = String(o.orderId);
    await call(stack, 'POST', `/v1/cases/${orderId}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    const answer = await call(stack, 'POST', `/v1/cases/${orderId}/disputes`, {
      as: 'support',
      body: { description: 'The client cancelled the project' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return orderId;
  }
  const open = async (p: Page, orderId: string) => {
    await p.goto(`${stack.url}/#/cases/${encodeURIComponent(orderId)}`);
    await p.getByRole('heading', { name: `Case ${orderId}` }).waitFor();
  };

  before(async () => {
    stack = await startStack('ui-desk');
    gateway = SandboxGateway.open(path.join(stack.dataDir, embeddedFiles.gateway));
    const remediation = order({ customerId, productId: 'vm-small' });
    await start('cloud-provider-fault', remediation);
    orderIds.remediation = String(remediation.orderId);
    await call(stack, 'POST', `/v1/cases/${orderIds.remediation}/issues`, {
      as: 'checkout',
      body: { description: 'The VM does not boot' },
    });
    await call(stack, 'POST', `/v1/cases/${orderIds.remediation}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'service_unusable' },
    });
    orderIds.disputed = await disputed();
    orderIds.stale = await disputed();
    // A refund the gateway fails: the case escalates and support's payout route opens.
    const failing = order({ customerId, amountMinor: 1999 });
    orderIds.escalated = String(failing.orderId);
    gateway.setOrderFailure(orderIds.escalated, 'insufficient_funds');
    await start('usage-prorata', failing);
    await call(stack, 'PUT', `/v1/orders/${orderIds.escalated}/usage`, {
      as: 'checkout',
      body: { used: 0, reportedAt: new Date().toISOString() },
    });
    await call(stack, 'POST', `/v1/cases/${orderIds.escalated}/refund-requests`, {
      as: 'checkout',
      body: { reason: 'changed_mind' },
    });
    await eventually(async () => (await read(orderIds.escalated)).escalated, 'the failed refund to escalate');
    await eventually(
      async () =>
        (
          await call<{ cases: unknown[] }>(stack, 'GET', `/v1/cases?customerId=${customerId}`, {
            as: 'support',
          })
        ).body.cases.length === 4,
      'visibility to list the four cases',
    );
    browser = await launchChromium();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
    await stack?.close();
  });

  it('sign-in refuses the checkout key in plain words, then goes on to the case asked for; a new tab needs no key', async () => {
    await page.goto(`${stack.url}/#/cases/${orderIds.disputed}`);
    await page.getByLabel('API key').fill(KEYS.checkout);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'checkout key' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /support, reviewer or admin key/);
    assert.equal(await page.getByLabel('API key').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('refundflow.key')), null);

    await page.getByLabel('API key').fill(KEYS.reviewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: `Case ${orderIds.disputed}` }).waitFor();
    assert.equal(
      await page.getByRole('alert').filter({ hasText: 'checkout' }).count(),
      0,
      'old error cleared',
    );

    const second = await context.newPage();
    await second.goto(`${stack.url}/#/outbox`);
    await second.getByText('Signed in as reviewer').waitFor();
    await second.getByRole('heading', { name: 'Sent email' }).waitFor();
    // Signing out in one tab signs out the browser session.
    await second.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
  });

  it('works by keyboard alone: the skip link first, Enter applies a filter, status pills are links, a focus ring of at least 3:1', async () => {
    await signIn(page, stack.url, 'support');
    await page.goto(`${stack.url}/#/cases?customerId=${customerId}`);
    await page.reload();
    await page.getByRole('heading', { name: /^Cases \(/ }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { color: style.outlineColor, width: style.outlineWidth, style: style.outlineStyle };
    });
    assert.ok(parseFloat(ring.width) >= 2 && ring.style !== 'none', JSON.stringify(ring));
    // The focused skip link is a dark chip; its ring is measured against the chip.
    const chip = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).backgroundColor,
    );
    assert.ok(contrast(ring.color, chip) >= 3, `skip link ring ${ring.color} on ${chip}`);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    assert.match(page.url(), /#\/cases\?customerId=/, 'the skip link keeps the page');

    await page.keyboard.press('Tab'); // the search box
    const field = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { name: el.getAttribute('name'), color: getComputedStyle(el).outlineColor };
    });
    assert.equal(field.name, 'q');
    assert.ok(contrast(field.color, 'rgb(255, 255, 255)') >= 3, `field ring ${field.color} on white`);
    await page.keyboard.press('Tab'); // status
    await page.keyboard.type('under');
    await page.keyboard.press('Enter');
    await page.waitForURL(/status=under_review/);
    await page.getByRole('heading', { name: 'Cases (2)' }).waitFor();

    const pill = page
      .getByRole('list', { name: 'Cases per status' })
      .getByRole('link', { name: /^remediation: 1/ });
    await pill.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/status=remediation/);
    await page.getByRole('heading', { name: 'Cases (1)' }).waitFor();
    assert.match(await page.locator('table').innerText(), new RegExp(orderIds.remediation));
  });

  it('finds cases: #/cases?escalated=true lists only escalated ones, the next deadline says how far, pages show honest totals', async () => {
    await signIn(page, stack.url, 'support');
    await page.goto(`${stack.url}/#/cases?escalated=true&customerId=${customerId}`);
    await page.getByRole('heading', { name: 'Cases (1)' }).waitFor();
    assert.ok(await page.getByLabel('Escalated only').isChecked());
    const rows = await page.locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, 1);
    assert.match(rows[0] ?? '', new RegExp(`${orderIds.escalated}[\\s\\S]*escalated`));

    // The search box takes an order id prefix; Enter applies it.
    await page.goto(`${stack.url}/#/cases`);
    await page.getByRole('heading', { name: /^Cases \(/ }).waitFor();
    await page.getByLabel('Search').fill(orderIds.remediation);
    await page.getByLabel('Search').press('Enter');
    await page.waitForURL(/q=/);
    await page.getByRole('heading', { name: 'Cases (1)' }).waitFor();
    assert.match(await page.locator('tbody').innerText(), new RegExp(orderIds.remediation));

    await page.goto(`${stack.url}/#/cases?customerId=${customerId}&pageSize=3`);
    await page.locator('#range', { hasText: 'Showing 1–3 of 4' }).waitFor();
    assert.match(await page.locator('tbody').innerText(), /\((in|tomorrow|yesterday|.* ago)/);
    await page.getByRole('link', { name: 'Next page →' }).click();
    await page.locator('#range', { hasText: 'Showing 4–4 of 4' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Next page →' }).count(), 0, 'the last page');

    // The sent email pages the same way, with the total the API counts.
    const { total } = (
      await call<{ total: number }>(stack, 'GET', '/v1/outbox?pageSize=1', { as: 'support' })
    ).body;
    assert.ok(total > 2, `emails sent: ${total}`);
    await page.goto(`${stack.url}/#/outbox?pageSize=2`);
    await page.locator('#range', { hasText: `Showing 1–2 of ${total}` }).waitFor();
    await page.getByRole('link', { name: 'Next page →' }).click();
    await page.locator('#range', { hasText: `Showing 3–` }).waitFor();
  });

  it('a reviewer decides in major units: bounds beside the amount, a preview, errors beside the field, a confirmation naming the amount, a visible Saved', async () => {
    const orderId = orderIds.disputed;
    await signIn(page, stack.url, 'reviewer');
    await open(page, orderId);
    const decide = page.getByRole('form', { name: 'Decide the dispute' });
    assert.equal(await decide.getByLabel('Outcome').inputValue(), 'denied', 'the safe default');
    assert.match(await decide.innerText(), /never sent to the customer/);
    await decide.getByLabel('Message to the customer', { exact: false }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'case-under-review.png'), fullPage: true });

    await decide.getByLabel('Outcome').selectOption('credit');
    const amount = decide.getByLabel('Amount, for a partial refund or credit (USD)');
    assert.match(await decide.locator('#decision-amount-bounds').innerText(), /^Between \$0\.01 and \$\d/);
    await amount.fill('twelve');
    await decide.getByLabel(/Internal note/).fill('An exception outside the terms');
    await decide.getByRole('button', { name: 'Record decision' }).click();
    const error = decide.locator('#decision-amount-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^Enter an amount in USD/);
    assert.equal(await amount.getAttribute('aria-invalid'), 'true');
    assert.match((await amount.getAttribute('aria-describedby')) ?? '', /decision-amount-error/);
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'decision-amount',
      'focus on the field',
    );

    await amount.fill('12.5');
    assert.equal(await decide.locator('#decision-amount-preview').innerText(), 'That is $12.50.');
    await decide
      .getByLabel('Message to the customer', { exact: false })
      .fill('We are sorry for the trouble.');
    await decide.getByRole('button', { name: 'Record decision' }).click();
    const dialog = page.getByRole('dialog', { name: 'Please confirm' });
    assert.match(await dialog.innerText(), /Grant \$12\.50 of account credit\?/);
    assert.equal(await error.count(), 0, 'the earlier error is gone on the next attempt');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await read(orderId)).status, 'under_review', 'nothing moved on Cancel');

    await decide.getByRole('button', { name: 'Record decision' }).click();
    await dialog.getByRole('button', { name: 'Grant $12.50' }).click();
    const saved = page.locator('#saved');
    await saved.waitFor();
    assert.match(await saved.innerText(), /Saved: the decision is recorded/);
    assert.ok(await saved.isVisible());
    const decided = await read(orderId);
    assert.equal(decided.decision?.outcome, 'credit');
    assert.equal(decided.decision?.amountMinor, 1250);
    assert.equal(await page.getByRole('form', { name: 'Decide the dispute' }).count(), 0);
    const result = await page.getByRole('region', { name: 'Decision', exact: true }).innerText();
    assert.match(result, /Message to the customer: We are sorry for the trouble\./);
    assert.match(result, /Internal note \(not sent to the customer\): An exception outside the terms/);
    // The customer reads the message, never the internal note.
    const mail = await eventually(async () => {
      const { messages } = (
        await call<{ messages: { text: string }[] }>(stack, 'GET', `/v1/outbox?orderId=${orderId}`, {
          as: 'support',
        })
      ).body;
      return messages.find((m) => m.text.includes('We are sorry for the trouble.'));
    }, 'the decision email');
    assert.doesNotMatch(mail.text, /An exception outside the terms/);
  });

  it('a tab left open while another reviewer decided shows the case as it is now, without its forms', async () => {
    await signIn(page, stack.url, 'reviewer');
    await open(page, orderIds.stale);
    await page.getByRole('form', { name: 'Decide the dispute' }).waitFor();
    const elsewhere = await call(stack, 'POST', `/v1/cases/${orderIds.stale}/decisions`, {
      as: 'reviewer',
      body: { outcome: 'denied', note: 'Upheld by a colleague' },
    });
    assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
    await page.locator('#changed').waitFor({ timeout: 20_000 });
    assert.doesNotMatch(await page.locator('#case-status').innerText(), /under review/);
    assert.equal(await page.getByRole('form', { name: 'Decide the dispute' }).count(), 0);
  });

  it('the timeline reads in plain words, in local time with the zone, each line once', async () => {
    await signIn(page, stack.url, 'support');
    await open(page, orderIds.escalated);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const text = await timeline.innerText();
    assert.doesNotMatch(text, /\b([a-z]+_[a-z_]+|[A-Z]+_[A-Z_]+)\b/, 'no codes');
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}/, 'no ISO times');
    assert.doesNotMatch(text, /→/);
    assert.match(text, /Status changed from \w/);
    const rows = await timeline
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    for (const [at] of rows) assert.match(at ?? '', /\d{1,2}:\d{2}.*\b(UTC|GMT[+-]?\d*|[A-Z]{3,4})$/, at);
    for (let i = 1; i < rows.length; i++)
      assert.notDeepEqual(rows[i]?.slice(1), rows[i - 1]?.slice(1), `line ${i} repeats the one before`);
    const escalation = await page.getByRole('region', { name: 'Escalated' }).innerText();
    assert.match(escalation, /Since .*\d{1,2}:\d{2}.* \((.* ago|now|this minute)\)/);
  });

  it('an escalated case says why, since when and who acts next at the top; the escalation clears when support acts', async () => {
    await signIn(page, stack.url, 'support');
    await open(page, orderIds.escalated);
    const top = await page
      .locator('main')
      .evaluate((main) => [...main.children].slice(0, 5).map((el) => el.textContent ?? ''));
    assert.ok(
      top.some((t) => /^Escalated/.test(t)),
      `escalation near the top: ${top.join(' | ')}`,
    );
    assert.match(await page.locator('#next-actor').innerText(), /Who acts next: .*support/i);
    assert.match(await page.getByRole('region', { name: 'Deadlines' }).innerText(), /Purchased: /);

    const credit = page.getByRole('form', { name: 'Grant credit instead' });
    await credit.getByLabel('Credit (USD)').fill('19.99');
    await credit.getByLabel('Note for the case record').fill('Customer prefers credit');
    await credit.getByRole('button', { name: 'Grant credit' }).click();
    await page
      .getByRole('dialog', { name: 'Please confirm' })
      .getByRole('button', { name: 'Grant $19.99' })
      .click();
    await page.locator('#saved').waitFor();
    assert.equal(
      await page.getByRole('region', { name: 'Escalated' }).count(),
      0,
      'cleared once someone acted',
    );
    assert.equal((await read(orderIds.escalated)).escalated, false);
  });

  for (const width of [1200, 390]) {
    it(`every page at ${width} px: no sideways scrolling and no serious or critical axe violations`, async () => {
      await page.setViewportSize({ width, height: 900 });
      const check = async (what: string) => {
        assert.ok((await sidewaysOverflow(page)) <= 0, `${what} scrolls sideways at ${width} px`);
        assert.deepEqual(await seriousViolations(page), [], `${what} at ${width} px`);
      };
      const suffix = width < 600 ? '-phone' : '';
      await page.goto(stack.url);
      await page.getByLabel('API key').waitFor();
      await check('sign-in');
      if (suffix) await page.screenshot({ path: path.join(SHOTS, `sign-in${suffix}.png`) });
      await page.getByLabel('API key').fill(KEYS.checkout);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'checkout key' }).waitFor();
      await check('sign-in with an error');

      await signIn(page, stack.url, 'reviewer');
      await page.goto(`${stack.url}/#/cases?customerId=${customerId}`);
      await page.getByRole('heading', { name: 'Cases (4)' }).waitFor();
      await check('case list');
      if (suffix) await page.screenshot({ path: path.join(SHOTS, `case-list${suffix}.png`), fullPage: true });
      for (const [state, orderId] of Object.entries(orderIds)) {
        await open(page, orderId);
        await check(`case (${state})`);
        if (suffix && state === 'remediation')
          await page.screenshot({ path: path.join(SHOTS, `case${suffix}.png`), fullPage: true });
      }
      await page.goto(`${stack.url}/#/outbox`);
      await page.getByRole('heading', { name: 'Sent email' }).waitFor();
      await check('outbox');
    });
  }
});

/** WCAG's contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}
