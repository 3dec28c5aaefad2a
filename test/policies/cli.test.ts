// `refundflow policy …` as a user runs it: a real process from bin/refundflow.js, checked by its
// stdout, stderr and exit code.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { PRESET_IDS, type Decision } from '../../policies';
import { PURCHASED_AT, day, input } from './fixtures';

const ROOT = path.join(__dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function refundflow(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    // REFUNDFLOW_FROM_SOURCE: test these sources even when a stale dist/ build exists.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/refundflow.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, REFUNDFLOW_FROM_SOURCE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const workedExample = input(
  { quota: { unit: 'requests', included: 10_000 }, invoicedAt: PURCHASED_AT },
  { reason: 'changed_mind', requestedAt: day(2), usage: { used: 3000 } },
);

describe('policies: the refundflow policy CLI (real process)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'refundflow-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('policy list prints every preset id and exits 0', async () => {
    const run = await refundflow(['policy', 'list']);
    assert.equal(run.code, 0, run.stderr);
    for (const id of PRESET_IDS) assert.match(run.stdout, new RegExp(`^${id}\\s+v1\\s`, 'm'));
  });

  it('policy list --json prints the presets as JSON', async () => {
    const run = await refundflow(['policy', 'list', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      (JSON.parse(run.stdout) as Array<{ id: string }>).map((p) => p.id),
      [...PRESET_IDS],
    );
  });

  it('policy show <id> prints the whole policy as JSON', async () => {
    const run = await refundflow(['policy', 'show', 'proxy-strict']);
    assert.equal(run.code, 0, run.stderr);
    const policy = JSON.parse(run.stdout) as {
      id: string;
      remediation: { days: number };
      decision: { deadlineDays: number };
    };
    assert.equal(policy.id, 'proxy-strict');
    assert.equal(policy.remediation.days, 15);
    assert.equal(policy.decision.deadlineDays, 7);
  });

  it('policy show with an unknown id exits 2 and names the known ids', async () => {
    const run = await refundflow(['policy', 'show', 'no-such-policy']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /unknown policy "no-such-policy" \(known: all-sales-final, proxy-strict/);
  });

  it('policy evaluate --input <file> prints one JSON decision (the seed 004 example: 700)', async () => {
    const file = path.join(dir, 'example.json');
    writeFileSync(file, JSON.stringify(workedExample));
    const run = await refundflow(['policy', 'evaluate', '--policy', 'usage-prorata', '--input', file]);
    assert.equal(run.code, 0, run.stderr);
    const decision = JSON.parse(run.stdout) as Decision;
    assert.equal(decision.outcome, 'partial_refund');
    assert.equal(decision.amountMinor, 700);
    assert.deepEqual(decision.reasons, ['PRORATA_REMAINING_QUOTA']);
    assert.equal(decision.policyId, 'usage-prorata');
  });

  it('policy evaluate --input - reads stdin, and exits 0 on a denial too', async () => {
    const denied = {
      ...workedExample,
      order: { ...workedExample.order, paymentMethod: 'crypto' },
      facts: { incidentConfirmed: true },
    };
    const run = await refundflow(
      ['policy', 'evaluate', '--policy', 'proxy-strict', '--input', '-'],
      JSON.stringify(denied),
    );
    assert.equal(run.code, 0, run.stderr);
    const decision = JSON.parse(run.stdout) as Decision;
    assert.equal(decision.outcome, 'denied');
    assert.ok(decision.reasons.includes('CRYPTO_PAYMENT'));
  });

  it('bad input exits 2 with a message naming the field, and prints nothing on stdout', async () => {
    const bad = { ...workedExample, order: { ...workedExample.order, amountMinor: 10.5 } };
    const run = await refundflow(
      ['policy', 'evaluate', '--policy', 'usage-prorata', '--input', '-'],
      JSON.stringify(bad),
    );
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr.trim(), 'order.amountMinor: expected integer, received 10.5');
  });

  it('input that is not JSON exits 2', async () => {
    const run = await refundflow(
      ['policy', 'evaluate', '--policy', 'usage-prorata', '--input', '-'],
      '{ not json',
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^input: not valid JSON/);
  });

  it('a missing input file exits 2 and names the file', async () => {
    const missing = path.join(dir, 'missing.json');
    const run = await refundflow(['policy', 'evaluate', '--policy', 'usage-prorata', '--input', missing]);
    assert.equal(run.code, 2);
    assert.ok(run.stderr.includes(`input: cannot read ${missing}`), run.stderr);
  });

  it('a missing required option exits 2', async () => {
    const run = await refundflow(['policy', 'evaluate', '--input', '-'], JSON.stringify(workedExample));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /required option '--policy <id>' not specified/);
  });
});
