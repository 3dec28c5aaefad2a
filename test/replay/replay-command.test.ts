// `npm run replay -- --query …` against the dev server: real histories, sealed by the codec,
// fetched by a visibility query and replayed against the current code (all pass) and against a
// deliberately changed workflow (every one fails, named).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../config';
import { createRefundWorker } from '../../worker/main';
import { cleanOrder, eventually, POLICY, refundClient, workerEnv } from '../reliability/support';
import { devServerEnv, ROOT, uniqueTaskQueue, workflowBundle } from '../support/servers';
import { stubActivities } from '../workflows/support';

const run = promisify(execFile);

async function replay(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'replay', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('npm run replay: real histories from the server against the code', function () {
  this.timeout(240_000);

  it('replays every case the query finds; a changed workflow fails each, by name', async () => {
    const server = await devServerEnv();
    const taskQueue = uniqueTaskQueue('replay-cmd');
    const env = workerEnv(server.address, taskQueue, tmpdir());
    const { worker, close } = await createRefundWorker(loadConfig(env), {
      connection: server.nativeConnection,
      activities: stubActivities().activities,
      overrides: { workflowBundle: await workflowBundle(), workflowsPath: undefined },
    });
    const cases = refundClient(server.client.connection, taskQueue);
    const waiting = cleanOrder('replay-review');
    const open = cleanOrder('replay-open');
    const query = `TaskQueue = '${taskQueue}'`;
    await worker.runUntil(async () => {
      await cases.start(POLICY, waiting);
      await cases.start(POLICY, open);
      // A decision recorded in history (a person must decide: no usage figure).
      await cases.requestRefund(waiting.orderId, { reason: 'dissatisfied' });
      await eventually(
        async () => (await cases.read(waiting.orderId)).status === 'under_review',
        'the case under review',
        30_000,
      );
      await eventually(
        async () => (await server.client.workflow.count(query)).count === 2,
        'both cases listed',
        30_000,
      );
    });
    await close();

    const ok = await replay(env, '--query', query);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, new RegExp(`ok +refund-case-${waiting.orderId}`));
    assert.match(ok.out, new RegExp(`ok +refund-case-${open.orderId}`));
    assert.match(ok.out, /2 replayed, 2 ok, 0 failed/);
    console.log(`      ${ok.out.trim().split('\n').join('\n      ')}`);

    const changed = await replay(
      env,
      '--query',
      query,
      '--workflows',
      path.join(__dirname, 'fixtures', 'changed-workflow.ts'),
    );
    assert.equal(changed.code, 1, changed.out);
    assert.match(changed.out, new RegExp(`FAIL refund-case-${waiting.orderId} .*[Nn]ondeterminism`));
    assert.match(changed.out, /2 replayed, 0 ok, 2 failed/);

    const none = await replay(env, '--query', `TaskQueue = 'no-such-queue-${taskQueue}'`);
    assert.equal(none.code, 1, 'an empty check is not a pass');
    assert.match(none.out, /No execution matched/);

    const badKey = await replay({ ...env, REFUNDFLOW_ENCRYPTION_KEYS: 'nope' }, '--query', query);
    assert.equal(badKey.code, 2);
    assert.match(badKey.out, /REFUNDFLOW_ENCRYPTION_KEYS: /);
  });
});
