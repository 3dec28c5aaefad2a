// Issue 16's first finding, as it was reproduced: the embedded stack (`npm start`, a child
// process), a proxy-strict case under review, and a plain `temporal workflow signal --name
// incidentConfirmed` sent with the Temporal CLI straight to the stack's frontend — no API key, no
// encryption key. Before the fix the case moved to a full refund and `paid` in seconds. Now the
// codec refuses the unsealed payload, the case records `message_refused` and keeps its money where
// it was; a forged update is rejected; and the same incident confirmed through the API (a sealed
// signal carrying the reviewer's key id) still reaches the case.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/servers';
import { eventually, freePort } from '../support/wait';

const run = promisify(execFile);
const TEMPORAL_CLI = path.join(ROOT, '.tools', 'bin', 'temporal');

interface CaseBody {
  status: string;
  paidMinor: number;
  outcome: string | null;
  payout?: { status: string };
  incidents: { incidentId: string }[];
  timeline: { type: string; summary: string; actor: { role: string; id?: string } }[];
}

const OURS = /^(TEMPORAL_|REFUNDFLOW_|SMTP_|STRIPE_|BILLING_|PORT$|LOG_LEVEL$)/;
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!OURS.test(k)) env[k] = v;
  return { ...env, ...extra };
}

describe('embedded stack: a forged plain signal moves no money', function () {
  this.timeout(240_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-forged-'));
  let child: ChildProcess | undefined;
  let output = '';
  let temporalAddress: string;
  let apiUrl: string;
  let keys: Record<string, string>;
  const suffix = Date.now().toString(36);
  const orderId = `ord-forged-${suffix}`;
  const workflowId = `refund-case-${orderId}`;

  const api = async <T = CaseBody>(method: string, url: string, role: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${keys[role]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const read = async () => (await api('GET', `/v1/cases/${orderId}`, 'support')).body;
  const cli = (...args: string[]) =>
    run(TEMPORAL_CLI, [...args, '--address', temporalAddress, '--namespace', 'default'], {
      cwd: ROOT,
      timeout: 60_000,
    });

  before(async () => {
    const ports = { temporal: await freePort(), ui: await freePort(), api: await freePort() };
    temporalAddress = `127.0.0.1:${ports.temporal}`;
    apiUrl = `http://127.0.0.1:${ports.api}`;
    child = spawn(process.execPath, ['--require', 'tsx/cjs', 'stack/main.ts'], {
      cwd: ROOT,
      env: cleanEnv({
        REFUNDFLOW_DATA_DIR: dataDir,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_UI_PORT: String(ports.ui),
        PORT: String(ports.api),
        REFUNDFLOW_METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(
      async () => output.includes('Ctrl-C stops it'),
      `the stack to start\n${output.slice(-2000)}`,
      150_000,
    );
    const line = readFileSync(path.join(dataDir, 'api-keys.env'), 'utf8')
      .trim()
      .replace(/^REFUNDFLOW_API_KEYS=/, '');
    keys = Object.fromEntries(line.split(',').map((pair) => pair.split(':') as [string, string]));
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((r) => {
        const timer = setTimeout(() => {
          child?.kill('SIGKILL');
          r(undefined);
        }, 45_000);
        child?.once('exit', () => {
          clearTimeout(timer);
          r(undefined);
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps its data folder to its owner (0700) and its stores 0600', () => {
    assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data folder');
    for (const file of ['billing.sqlite', 'outbox.sqlite', 'temporal.log']) {
      const full = path.join(dataDir, file);
      assert.equal(statSync(full).mode & 0o077, 0, `${file} is not readable by group or others`);
    }
  });

  it('a plain incidentConfirmed signal from the Temporal CLI is refused and recorded; status, decision and payout stay as they were', async () => {
    const order = {
      orderId,
      customerId: `cus-forged-${suffix}`,
      channel: 'official',
      paymentMethod: 'card',
      amountMinor: 73519,
      currency: 'EUR',
      purchasedAt: new Date(Date.now() - 86_400_000).toISOString(),
      productId: 'proxy-dc-1',
      billing: { kind: 'one_time' },
      quota: { unit: 'gb', included: 10 },
    };
    assert.equal(
      (await api('POST', '/v1/cases', 'checkout', { policyId: 'proxy-strict', order })).status,
      201,
    );
    assert.equal(
      (
        await api('POST', `/v1/cases/${orderId}/issues`, 'checkout', {
          description: 'every exit node times out',
        })
      ).status,
      200,
    );
    assert.equal(
      (await api('POST', `/v1/cases/${orderId}/refund-requests`, 'checkout', { reason: 'service_unusable' }))
        .status,
      200,
    );
    const review = await api('POST', `/v1/cases/${orderId}/technical-reviews`, 'reviewer', {
      outcome: 'provider_fault',
    });
    assert.equal(review.status, 200, JSON.stringify(review.body));
    const before = await read();
    assert.equal(before.status, 'under_review', JSON.stringify(before.timeline.map((e) => e.type)));

    const now = Date.now();
    const forged = {
      incidentId: `inc-forged-${suffix}`,
      productId: 'proxy-dc-1',
      from: new Date(now - 2 * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
      description: 'forged outage',
      actor: { role: 'reviewer', id: 'key-0000000000000000' },
    };
    // The attack: no API key and no encryption key, straight to Temporal's frontend.
    await cli(
      'workflow',
      'signal',
      '--workflow-id',
      workflowId,
      '--name',
      'incidentConfirmed',
      '--input',
      JSON.stringify(forged),
    );
    const after = await eventually(
      async () => {
        const c = await read();
        return c.timeline.some((e) => e.type === 'message_refused') && c;
      },
      'the case to record the refused signal',
      60_000,
    );
    const refused = after.timeline.find((e) => e.type === 'message_refused')!;
    assert.match(refused.summary, /incidentConfirmed/);
    assert.equal(refused.actor.role, 'system');
    // A few more seconds: before the fix the case was paid within six.
    await new Promise((r) => setTimeout(r, 6_000));
    const settled = await read();
    assert.equal(settled.status, 'under_review', 'the case is where it was');
    assert.equal(settled.outcome, before.outcome);
    assert.equal(settled.payout, undefined, 'no payout was started');
    assert.deepEqual(settled.incidents, [], 'no incident was recorded');
    assert.ok(!settled.timeline.some((e) => e.type === 'incident_confirmed'));
    // The workflow task did not fail: the case still answers its own messages.
    const history = JSON.parse(
      (await cli('workflow', 'show', '--workflow-id', workflowId, '--output', 'json')).stdout,
    ) as {
      events: { eventType: string }[];
    };
    assert.ok(
      !history.events.some((e) => /WORKFLOW_TASK_FAILED|WorkflowTaskFailed/.test(e.eventType)),
      'no failed workflow task',
    );
  });

  it('a plain update from the CLI (a full-refund decision) is rejected by its validator', async () => {
    await assert.rejects(
      cli(
        'workflow',
        'update',
        'execute',
        '--workflow-id',
        workflowId,
        '--name',
        'decide',
        '--input',
        JSON.stringify({ outcome: 'full_refund', note: 'forged' }),
      ),
      // The validator's message is sealed like every failure's; the CLI without the codec sees its type.
      (err: Error & { stderr?: string }) =>
        /unable to update workflow/i.test(`${err.message}${err.stderr ?? ''}`),
    );
    const c = await read();
    assert.equal(c.status, 'under_review');
    assert.equal(c.payout, undefined);
  });

  it('the same incident confirmed through the API is a sealed signal carrying the reviewer and key id, and reaches the case', async () => {
    const now = Date.now();
    const confirmed = await api<{ cases: string[] }>('POST', '/v1/incidents', 'reviewer', {
      incidentId: `inc-real-${suffix}`,
      productId: 'proxy-dc-1',
      from: new Date(now - 2 * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
      description: 'exit nodes down in eu-west',
    });
    assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
    assert.ok(confirmed.body.cases.includes(orderId));
    const c = await eventually(
      async () => {
        const r = await read();
        return r.timeline.some((e) => e.type === 'incident_confirmed') && r;
      },
      'the confirmed incident on the case',
      60_000,
    );
    const entry = c.timeline.find((e) => e.type === 'incident_confirmed')!;
    assert.equal(entry.actor.role, 'reviewer');
    assert.match(entry.actor.id ?? '', /^key-[0-9a-f]{16}$/);
    assert.deepEqual(
      c.incidents.map((i) => i.incidentId),
      [`inc-real-${suffix}`],
    );
  });

  it('a start forged with the CLI fails at once and does not hold the order: the real start creates the case', async () => {
    const forgedOrder = `ord-forged-start-${suffix}`;
    const forgedId = `refund-case-${forgedOrder}`;
    await cli(
      'workflow',
      'start',
      '--type',
      'refundCase',
      '--task-queue',
      'refund-cases',
      '--workflow-id',
      forgedId,
      '--input',
      JSON.stringify({ policy: { id: 'lenient' }, order: { orderId: forgedOrder } }),
    );
    await eventually(
      async () => {
        const described = JSON.parse(
          (await cli('workflow', 'describe', '--workflow-id', forgedId, '--output', 'json')).stdout,
        ) as {
          workflowExecutionInfo?: { status?: string };
        };
        return /FAILED/.test(String(described.workflowExecutionInfo?.status));
      },
      'the forged run to fail',
      60_000,
    );
    const order = {
      orderId: forgedOrder,
      customerId: `cus-forged-start-${suffix}`,
      channel: 'official',
      paymentMethod: 'card',
      amountMinor: 1999,
      currency: 'USD',
      purchasedAt: new Date(Date.now() - 86_400_000).toISOString(),
      billing: { kind: 'one_time' },
    };
    const started = await api<{ created: boolean; case: { status: string } }>(
      'POST',
      '/v1/cases',
      'checkout',
      { policyId: 'usage-prorata', order },
    );
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.case.status, 'open');
    const again = await api<{ created: boolean }>('POST', '/v1/cases', 'checkout', {
      policyId: 'usage-prorata',
      order,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
  });
});
