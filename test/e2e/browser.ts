// Debian's chromium driven by playwright-core, for the support UI's browser tests; screenshots go
// to .test-output/screenshots/, or to docs/screenshots/ (the README's) with REFUNDFLOW_UPDATE_SCREENSHOTS=1.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { KEYS, type Role } from '../api/stack';
import { ROOT } from '../support/servers';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = process.env.REFUNDFLOW_UPDATE_SCREENSHOTS
  ? path.join(ROOT, 'docs', 'screenshots')
  : path.join(ROOT, '.test-output', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup-tools.sh chromium`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in on the UI's own sign-in page (a fresh page starts signed out). */
export async function signIn(page: Page, url: string, role: Role): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API key').fill(KEYS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${role}`).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('refundflow.key')), KEYS[role]);
}
