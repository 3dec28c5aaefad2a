// The embedded stack as a newcomer runs it (`npm start` is `tsx stack/main.ts`): a real child
// process on free ports and a temp data folder. A case is started and left waiting on a deadline,
// the stack is stopped with SIGINT and started again on the same folder, and the case is found
// where it was, then carried to `paid` through the sandbox gateway's signed webhook. The history
// read straight from the stack's Temporal frontend, without the codec, holds no customer data.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { plaintextNeedles } from '../codec/history-scan';
import { ROOT } from '../support/servers';
import { eventually, freePort } from '../support/wait';
import { cleanOrder } from '../reliability/support';

interface CaseBody {
  orderId: string;
  status: string;
  policyId: string;
  deadlines: Record<string, string>;
  nextDeadline?: string;
  outcome: string | null;
  decision?: { outcome: string; amountMinor: number; reasons: string[] };
  payout?: { status: string; refundId?: string };
  escalated: boolean;
  timeline: { type: string; at: string }[];
}

/** Variables a developer's shell might set that would change what the stack does. */
const OURS = /^(TEMPORAL_|REFUNDFLOW_|SMTP_|STRIPE_|BILLING_|PORT$|LOG_LEVEL$)/;
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!OURS.test(k)) env[k] = v;
  return { ...env, ...extra };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process under test, with its output collected. */
class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  /** Resolves with the exit, or undefined if it has not exited within `ms`. */
  async exitWithin(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return result;
  }
  tail(): string {
    return `stderr:\n${this.stderr.slice(-2000)}\nstdout:\n${this.stdout.slice(-2000)}`;
  }
}

function runTs(entry: string, env: NodeJS.ProcessEnv): Proc {
  // What `npm start` runs, minus npm: node with tsx's require hook, so signals reach it directly.
  return new Proc(
    spawn(process.execPath, ['--require', 'tsx/cjs', entry], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

describe('embedded stack (npm start): start, stop, restart', function () {
  this.timeout(240_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'refundflow-stack-'));
  let ports: { temporal: number; ui: number; api: number; metrics: number };
  let stack: Proc | undefined;
  let apiUrl: string;
  let keys: Record<string, string>;
  const startTimes: number[] = [];
  const suffix = Date.now().toString(36);
  const customerEmail = `stack-buyer-${suffix}@example.com`;
  const customerId = `cus-stack-${suffix}`;
  const issueText = `every exit node times out ${suffix}`;
  const decisionNote = `outage confirmed by netops ${suffix}`;
  const proxyOrder = {
    orderId: `ord-stack-${suffix}`,
    customerId,
    channel: 'official',
    paymentMethod: 'card',
    amountMinor: 73519,
    currency: 'EUR',
    purchasedAt: new Date(Date.now() - 86_400_000).toISOString(),
    productId: 'proxy-dc-1',
    billing: { kind: 'one_time' },
    quota: { unit: 'gb', included: 10 },
  };
  let waiting: CaseBody;

  async function startStack(extra: Record<string, string> = {}): Promise<Proc> {
    const started = Date.now();
    const proc = runTs('stack/main.ts', {
      ...cleanEnv({
        ...extra,
        REFUNDFLOW_DATA_DIR: dataDir,
        TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
        TEMPORAL_UI_PORT: String(ports.ui),
        PORT: String(ports.api),
        REFUNDFLOW_METRICS_PORT: String(ports.metrics),
        LOG_LEVEL: 'warn',
      }),
    });
    stack = proc;
    await eventually(
      async () => {
        if (!proc.running)
          throw new Error(`the stack exited (${JSON.stringify(await proc.exited)})\n${proc.tail()}`);
        const res = await fetch(`http://127.0.0.1:${ports.api}/healthz`);
        return res.ok;
      },
      'the stack to answer /healthz',
      120_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${proc.tail()}`);
    });
    // The banner comes after the API listens; wait for it rather than race it.
    await eventually(async () => proc.stdout.includes('Ctrl-C stops it'), 'the start banner', 10_000);
    startTimes.push(Date.now() - started);
    return proc;
  }

  async function stopStack(proc: Proc): Promise<{ exit: Exit; ms: number }> {
    const started = Date.now();
    proc.child.kill('SIGINT');
    const exit = await proc.exitWithin(45_000);
    assert.ok(exit, `the stack exits within 45 s of SIGINT\n${proc.tail()}`);
    return { exit, ms: Date.now() - started };
  }

  async function api<T = CaseBody>(
    method: string,
    urlPath: string,
    role: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${apiUrl}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${keys[role]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  const readCase = async () => (await api('GET', `/v1/cases/${proxyOrder.orderId}`, 'support')).body;

  function devServerPid(): number | undefined {
    const file = path.join(dataDir, 'temporal.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  }
  function alive(pid: number | undefined): boolean {
    if (!pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  before(async () => {
    ports = {
      temporal: await freePort(),
      ui: await freePort(),
      api: await freePort(),
      metrics: await freePort(),
    };
    apiUrl = `http://127.0.0.1:${ports.api}`;
  });

  after(async () => {
    if (stack?.running) {
      stack.child.kill('SIGINT');
      if (!(await stack.exitWithin(30_000))) stack.child.kill('SIGKILL');
    }
    const pid = devServerPid();
    if (alive(pid)) process.kill(pid!, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (startTimes.length)
      console.log(`      stack ready in ${startTimes.map((ms) => `${ms} ms`).join(', then ')}`);
  });

  it('starts on an empty data folder, creates its keys (mode 0600) and prints the URLs and keys', async () => {
    const proc = await startStack();
    for (const file of ['encryption.key', 'api-keys.env', 'webhook.secret', 'temporal.db']) {
      assert.ok(existsSync(path.join(dataDir, file)), `${file} is in the data folder`);
    }
    for (const file of ['encryption.key', 'api-keys.env', 'webhook.secret']) {
      assert.equal(
        statSync(path.join(dataDir, file)).mode & 0o777,
        0o600,
        `${file} is readable by its owner only`,
      );
    }
    const line = readFileSync(path.join(dataDir, 'api-keys.env'), 'utf8').trim();
    assert.match(line, /^REFUNDFLOW_API_KEYS=checkout:\S+,support:\S+,reviewer:\S+,admin:\S+$/);
    keys = Object.fromEntries(
      line
        .replace(/^REFUNDFLOW_API_KEYS=/, '')
        .split(',')
        .map((pair) => pair.split(':') as [string, string]),
    );
    for (const [role, key] of Object.entries(keys))
      assert.match(proc.stdout, new RegExp(`${role}\\s+${key}`), `the banner prints the ${role} key`);
    assert.ok(proc.stdout.includes(`http://localhost:${ports.api}`), 'the banner prints the API URL');
    assert.ok(proc.stdout.includes(`http://localhost:${ports.ui}`), 'the banner prints the Web UI URL');
    assert.match(proc.stdout, /Created on this first run: encryption\.key, api-keys\.env, webhook\.secret/);

    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    assert.equal(ui.status, 200, 'the Temporal Web UI answers');
    const supportUi = await fetch(`${apiUrl}/`);
    assert.equal(supportUi.status, 200, 'the support UI is served');
    assert.match(await supportUi.text(), /<html/i);
    const metrics = await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.metrics}/metrics`);
        return res.ok && (await res.text());
      },
      'the worker metrics endpoint',
      20_000,
    );
    assert.match(metrics, /^temporal_/m, "the worker's SDK metrics are exported");
  });

  it('keeps a waiting case through SIGINT and a restart: same status and deadlines, and it still moves to paid', async () => {
    const start = await api<{ created: boolean; case: CaseBody }>('POST', '/v1/cases', 'checkout', {
      policyId: 'proxy-strict',
      order: proxyOrder,
      customerEmail,
    });
    assert.equal(start.status, 201, JSON.stringify(start.body));
    const issue = await api('POST', `/v1/cases/${proxyOrder.orderId}/issues`, 'checkout', {
      description: issueText,
    });
    assert.equal(issue.status, 200, JSON.stringify(issue.body));
    assert.equal(issue.body.status, 'remediation');
    assert.ok(issue.body.deadlines.remediationDeadline, 'the remediation clock runs');
    assert.ok(Date.parse(issue.body.deadlines.remediationDeadline) > Date.now(), 'and is still pending');
    waiting = await readCase();
    assert.equal(waiting.status, 'remediation');

    const pid = devServerPid();
    assert.ok(alive(pid), 'the dev server runs as a child of the stack');
    const { exit, ms } = await stopStack(stack!);
    assert.deepEqual(exit, { code: 0, signal: null }, `a clean exit\n${stack!.tail()}`);
    assert.equal(alive(pid), false, 'the dev server was stopped too');
    console.log(`      stack stopped in ${ms} ms`);
    const keysBefore = readFileSync(path.join(dataDir, 'api-keys.env'), 'utf8');
    const encryptionBefore = readFileSync(path.join(dataDir, 'encryption.key'), 'utf8');

    const again = await startStack();
    assert.equal(readFileSync(path.join(dataDir, 'api-keys.env'), 'utf8'), keysBefore, 'the same API keys');
    assert.equal(
      readFileSync(path.join(dataDir, 'encryption.key'), 'utf8'),
      encryptionBefore,
      'the same encryption key',
    );
    assert.doesNotMatch(again.stdout, /Created on this first run/);

    const reread = await readCase();
    assert.equal(reread.status, waiting.status);
    assert.deepEqual(reread.deadlines, waiting.deadlines, 'every deadline as it was');
    assert.equal(reread.nextDeadline, waiting.nextDeadline);
    assert.deepEqual(
      reread.timeline.map((e) => e.type),
      waiting.timeline.map((e) => e.type),
    );

    // The case still takes updates, and the new process's settler and webhook still pay out.
    // Light usage first: the caps are judged on a known figure, never on none.
    const usage = await api('PUT', `/v1/orders/${proxyOrder.orderId}/usage`, 'checkout', {
      used: 0.2,
      reportedAt: new Date().toISOString(),
    });
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    const request = await api('POST', `/v1/cases/${proxyOrder.orderId}/refund-requests`, 'checkout', {
      reason: 'service_unusable',
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    assert.equal(request.body.outcome, 'needs_review');
    const review = await api('POST', `/v1/cases/${proxyOrder.orderId}/technical-reviews`, 'reviewer', {
      outcome: 'provider_fault',
    });
    assert.equal(review.status, 200, JSON.stringify(review.body));
    assert.equal(review.body.status, 'under_review');
    assert.ok(review.body.deadlines.decisionDeadline, 'the decision clock runs');
    // The policy's bounds hold on every route: while the 15-day clock runs, a reviewer cannot pay.
    const early = await api('POST', `/v1/cases/${proxyOrder.orderId}/decisions`, 'reviewer', {
      outcome: 'full_refund',
      note: 'skip the remediation clock',
    });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    // A confirmed incident gives the ground at once: the case decides again and pays.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    // The API lists the cases an incident covers once, when it is confirmed (a repeat joins that
    // fan-out): wait until visibility shows the case.
    await eventually(
      async () => {
        const listed = await api<{ cases?: { orderId: string }[] }>(
          'GET',
          `/v1/cases?customerId=${encodeURIComponent(String(proxyOrder.customerId))}`,
          'support',
        );
        return listed.body.cases?.some((c) => c.orderId === proxyOrder.orderId) ?? false;
      },
      'the case in visibility',
      20_000,
    );
    const confirmed = await api<{ cases: string[] }>('POST', '/v1/incidents', 'reviewer', {
      incidentId: `inc-stack-${proxyOrder.orderId}`,
      productId: proxyOrder.productId,
      from,
      to: new Date().toISOString(),
      description: decisionNote,
    });
    assert.equal(confirmed.status, 202, JSON.stringify(confirmed.body));
    assert.ok(confirmed.body.cases.includes(String(proxyOrder.orderId)));
    const paid = await eventually(
      async () => {
        const read = await readCase();
        return read.status === 'paid' && read;
      },
      'the case to be paid after the restart',
      30_000,
    );
    assert.equal(paid.payout?.status, 'succeeded');
    assert.equal(paid.decision?.amountMinor, proxyOrder.amountMinor);
  });

  it('stores no customer data in plain text: the history read without the codec', async () => {
    assert.ok(stack?.running, 'the restarted stack runs');
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      // No dataConverter: the default one, which cannot open sealed payloads.
      const client = new Client({ connection, namespace: 'default' });
      const history = await client.workflow.getHandle(`refund-case-${proxyOrder.orderId}`).fetchHistory();
      assert.ok((history.events?.length ?? 0) > 10, 'a history with the whole case');
      assert.deepEqual(
        plaintextNeedles(history, [customerEmail, issueText, decisionNote, customerId, '73519', '735.19']),
        [],
        'none of these is readable in the history',
      );
      // The scan does find what is there: the workflow id is plain by design.
      assert.deepEqual(plaintextNeedles(history, [proxyOrder.orderId]), [proxyOrder.orderId]);
    } finally {
      await connection.close();
    }
  });

  it('recovers from a hard kill: the orphaned dev server is stopped and the case is still there', async () => {
    const orphan = devServerPid();
    stack!.child.kill('SIGKILL');
    assert.ok(await stack!.exitWithin(10_000), 'the stack died');
    assert.ok(alive(orphan), 'its dev server outlived it (own process group)');
    await startStack();
    assert.equal(alive(orphan), false, 'the next start stopped the orphan');
    assert.notEqual(devServerPid(), orphan, 'and started its own');
    const read = await readCase();
    assert.equal(read.status, 'paid');
  });

  it('a timer set before a stop fires after the restart: with no webhook, the 30-second settlement check pays the case', async () => {
    // The sandbox settles refunds but posts no webhooks, so only the case's own timer can find out.
    const noWebhooks = { REFUNDFLOW_SANDBOX_WEBHOOKS: 'false' };
    await stopStack(stack!);
    await startStack(noWebhooks);
    const order = cleanOrder('stack-timer');
    const start = await api('POST', '/v1/cases', 'checkout', {
      policyId: 'usage-prorata',
      order,
      customerEmail,
    });
    assert.equal(start.status, 201, JSON.stringify(start.body));
    const usage = await api('PUT', `/v1/orders/${order.orderId}/usage`, 'checkout', {
      used: 0,
      reportedAt: new Date().toISOString(),
    });
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    const request = await api('POST', `/v1/cases/${order.orderId}/refund-requests`, 'checkout', {
      reason: 'changed_mind',
    });
    assert.equal(request.status, 200, JSON.stringify(request.body));
    const read = async () => (await api('GET', `/v1/cases/${order.orderId}`, 'support')).body;
    const pending = await eventually(
      async () => {
        const c = await read();
        return c.status === 'payout_pending' && c;
      },
      'the payout to be sent',
      30_000,
    );
    const sentAt = Date.parse(pending.timeline.find((e) => e.type === 'payout_sent')!.at);

    // Stop well inside the first check's 30 seconds; the sandbox settles meanwhile (3 s).
    const stoppedAt = Date.now();
    await stopStack(stack!);
    const downAt = Date.now();
    assert.ok(
      downAt - sentAt < 30_000,
      `down ${downAt - sentAt} ms after the payout, before the check was due`,
    );
    await startStack(noWebhooks);
    const restartedAt = Date.now();
    // On a loaded machine the restart can take longer than the check's 30 s: the timer then comes
    // due while the stack is down and fires as soon as the worker is back, which proves the same.
    if (restartedAt - sentAt < 30_000)
      assert.equal((await read()).status, 'payout_pending', 'no webhook came, so the case still waits');

    const paid = await eventually(
      async () => {
        const c = await read();
        return c.status === 'paid' && c;
      },
      'the settlement check to pay the case',
      60_000,
    );
    const types = paid.timeline.map((e) => e.type);
    const checked = paid.timeline.find((e) => e.type === 'settlement_checked');
    assert.ok(checked, `paid through the status check, not a webhook: ${types.join(', ')}`);
    assert.ok(types.indexOf('settlement_checked') < types.indexOf('payout_settled'), types.join(', '));
    const checkedAt = Date.parse(checked.at);
    assert.ok(
      checkedAt - sentAt >= 30_000,
      `the check ran ${checkedAt - sentAt} ms after the payout (due at 30 s)`,
    );
    assert.ok(checkedAt > downAt && stoppedAt > sentAt, 'set before the stop, fired by the restarted stack');
    console.log(
      `      stopped ${stoppedAt - sentAt} ms after the payout, back at +${restartedAt - sentAt} ms; the check fired at +${checkedAt - sentAt} ms`,
    );
  });

  it('stops cleanly on SIGTERM too', async () => {
    const pid = devServerPid();
    stack!.child.kill('SIGTERM');
    const exit = await stack!.exitWithin(45_000);
    assert.deepEqual(exit, { code: 0, signal: null }, stack!.tail());
    assert.equal(alive(pid), false, 'the dev server was stopped');
  });
});

describe('configuration errors name the variable', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'refundflow-badconfig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function expectFailure(entry: string, env: Record<string, string>, names: string[]): Promise<void> {
    const proc = runTs(entry, cleanEnv({ REFUNDFLOW_DATA_DIR: dir, REFUNDFLOW_METRICS_PORT: '0', ...env }));
    const exit = await proc.exitWithin(45_000);
    assert.ok(exit, `${entry} exits`);
    assert.notEqual(exit.code, 0, `${entry} exits non-zero`);
    for (const name of names) assert.ok(proc.stderr.includes(name), `stderr names ${name}:\n${proc.stderr}`);
  }

  it('the worker without REFUNDFLOW_ENCRYPTION_KEYS and with a TEMPORAL_ADDRESS that is not host:port', async () => {
    await expectFailure('worker/main.ts', { TEMPORAL_ADDRESS: 'not a host:port' }, [
      'TEMPORAL_ADDRESS',
      'REFUNDFLOW_ENCRYPTION_KEYS',
    ]);
  });

  it('the API with a malformed REFUNDFLOW_API_KEYS', async () => {
    await expectFailure(
      'client/api/main.ts',
      {
        REFUNDFLOW_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
        REFUNDFLOW_API_KEYS: 'root:secret',
      },
      ['REFUNDFLOW_API_KEYS'],
    );
  });

  it('the stack when its API port is taken, naming PORT', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const held = (holder.address() as net.AddressInfo).port;
    try {
      const proc = runTs(
        'stack/main.ts',
        cleanEnv({
          REFUNDFLOW_DATA_DIR: dir,
          REFUNDFLOW_METRICS_PORT: '0',
          TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
          TEMPORAL_UI_PORT: String(await freePort()),
          PORT: String(held),
        }),
      );
      const exit = await proc.exitWithin(45_000);
      assert.ok(exit && exit.code !== 0, `exits non-zero\n${proc.tail()}`);
      assert.match(proc.stderr, new RegExp(`port ${held} .*already in use \\(PORT\\)`));
      assert.equal(existsSync(path.join(dir, 'temporal.pid')), false, 'no dev server was started');
    } finally {
      holder.close();
    }
  });

  it('the stack with a TEMPORAL_UI_PORT that is not a port, before it starts any server', async () => {
    await expectFailure('stack/main.ts', { TEMPORAL_UI_PORT: 'eighty', PORT: String(await freePort()) }, [
      'TEMPORAL_UI_PORT',
    ]);
    assert.equal(existsSync(path.join(dir, 'temporal.pid')), false, 'no dev server was started');
  });
});
