// `refundflow case simulate` as a process: exit 0 with JSON whatever the case did, 2 on a bad
// scenario naming the field (nothing run), 1 when the test server is not built.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { order } from './support';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'refundflow.js');

function cli(
  args: string[],
  stdin: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, REFUNDFLOW_FROM_SOURCE: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const scenario = {
  policyId: 'usage-prorata',
  order: order('cli-1'),
  billing: { usage: { used: 3000 } },
  events: [{ at: 'P3D', type: 'refund-request', body: { reason: 'changed_mind' } }],
};

describe('refundflow case simulate (CLI)', function () {
  this.timeout(180_000);

  it('runs scenarios from stdin and prints their results as JSON in order, exit 0 (one order id twice is fine)', async () => {
    const withdrawn = { ...scenario, billing: {}, events: [{ at: 'P1D', type: 'withdrawal' }] };
    const { code, stdout, stderr } = await cli(
      ['case', 'simulate', '--input', '-'],
      JSON.stringify([scenario, withdrawn]),
    );
    assert.equal(code, 0, stderr);
    const [paid, refused] = JSON.parse(stdout) as {
      orderId: string;
      status: string;
      decision: { amountMinor: number } | null;
      events: { accepted: boolean; error?: string }[];
    }[];
    assert.equal(paid!.orderId, 'cli-1');
    assert.equal(paid!.status, 'paid');
    assert.equal(paid!.decision!.amountMinor, 700);
    assert.deepEqual(
      paid!.events.map((e) => e.accepted),
      [true],
    );
    assert.equal(refused!.orderId, 'cli-1');
    assert.equal(refused!.status, 'expired');
    assert.deepEqual(refused!.events, [
      {
        at: '2025-03-04T10:00:00.000Z',
        type: 'withdrawal',
        accepted: false,
        error: 'cannot withdraw while the case is open',
      },
    ]);
  });

  it('a bad scenario exits 2 naming each field, and nothing runs', async () => {
    const bad = [
      scenario,
      {
        ...scenario,
        events: [
          ...scenario.events,
          { at: 'day 3', type: 'refund-request', body: { reason: 'changed_mind' } },
          { at: 'P4D', type: 'decision', body: { outcome: 'full_refund' } },
        ],
      },
      {
        ...scenario,
        policyId: 'no-such-policy',
        faults: [{ port: 'billing', operation: 'charge', kind: 'rejects', from: 'P1D' }],
      },
    ];
    const { code, stdout, stderr } = await cli(['case', 'simulate', '--input', '-'], JSON.stringify(bad), {
      REFUNDFLOW_TOOLS_DIR: '/nonexistent',
    });
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /^\[1\]\.events\[1\]\.at: not an ISO 8601 duration or time$/m);
    assert.match(stderr, /^\[1\]\.events\[2\]\.body\.note: /m);
    assert.match(stderr, /^\[2\]\.policyId: unknown policy/m);
    assert.match(stderr, /^\[2\]\.faults\[0\]\.operation: billing has no operation "charge"/m);
    // Bad input wins over a missing server: nothing was started to find out.
    assert.doesNotMatch(stderr, /setup-tools/);
  });

  it('an event before the purchase, and unreadable JSON, are bad input too', async () => {
    const early = await cli(
      ['case', 'simulate', '--input', '-'],
      JSON.stringify({
        ...scenario,
        events: [{ at: '2025-01-01T00:00:00Z', type: 'usage', body: { used: 1 } }],
      }),
    );
    assert.equal(early.code, 2);
    assert.match(early.stderr, /^events\[0\]\.at: before order\.purchasedAt/m);
    const garbage = await cli(['case', 'simulate', '--input', '-'], '{ not json');
    assert.equal(garbage.code, 2);
    assert.match(garbage.stderr, /^input: not valid JSON/m);
  });

  it('without the test server it exits 1 and names the command that builds it', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'refundflow-no-tools-'));
    try {
      const { code, stdout, stderr } = await cli(
        ['case', 'simulate', '--input', '-'],
        JSON.stringify(scenario),
        { REFUNDFLOW_TOOLS_DIR: empty },
      );
      assert.equal(code, 1, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /test server is not built/);
      assert.match(stderr, /bash scripts\/setup-tools\.sh test-server/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
