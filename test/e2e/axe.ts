// axe-core in the page under test: the accessibility rules a person with a screen reader, a
// keyboard or low vision relies on. Evaluated through the browser's debugger (not a <script>), so
// the UI's content security policy stays as strict as in production.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../support/servers';

const AXE = readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeResult {
  passes: unknown[];
  violations: { id: string; impact?: string; help: string; nodes: { target: string[] }[] }[];
}

/** The serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE}\n;undefined`);
  const result = await page.evaluate<AxeResult>(`window.axe.run(document, { resultTypes: ['violations'] })`);
  // A run that checked nothing would pass everything.
  if (result.passes.length === 0) throw new Error('axe-core checked no rule on the page');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/** How much wider than the window the page is (0: no sideways scrolling). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
