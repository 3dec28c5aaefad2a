// examples/scenarios: one runnable scenario per seed policy's headline sentence, each held to the
// result its sentence promises (<name>.expected.json: what the result must include). They run as
// one batch on one server, twice: the second run proves the same input gives the same result.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../../client/simulate';
import { assertIncludes, run } from './support';

const DIR = path.resolve(__dirname, '..', '..', 'examples', 'scenarios');
const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
const read = (file: string): unknown => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));

describe('case simulate: the example scenarios', function () {
  this.timeout(300_000);
  let results: ScenarioResult[];

  before(async () => {
    results = await run(names.map((name) => read(`${name}.json`)));
  });

  it('cover every seed policy', () => {
    const policies = new Set(names.map((name) => (read(`${name}.json`) as { policyId: string }).policyId));
    assert.deepEqual([...policies].sort(), [
      'all-sales-final',
      'cloud-provider-fault',
      'proxy-strict',
      'services-fix-first',
      'usage-prorata',
    ]);
  });

  for (const name of names)
    it(`${name} gives the result its policy sentence promises`, () => {
      assertIncludes(results[names.indexOf(name)], read(`${name}.expected.json`));
    });

  it('the usage-prorata worked example pays $7.00 for 7,000 of 10,000 requests left', () => {
    const result = results[names.indexOf('usage-prorata-worked-example')]!;
    assert.equal(result.decision?.amountMinor, 700);
    assert.equal(result.money[0]?.amountMinor, 700);
  });

  it('the same input gives the same result: a second run of the batch is identical', async () => {
    const again = await run(names.map((name) => read(`${name}.json`)));
    assert.deepEqual(again, results);
  });
});
