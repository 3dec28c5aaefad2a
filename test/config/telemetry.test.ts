import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { LogTimestamp } from '@temporalio/worker';
import { CaseLogger, createWorkerLogger, metricsBindAddress } from '../../worker/telemetry';
import { devServerEnv, ROOT, uniqueTaskQueue } from '../support/servers';
import { freePort } from '../support/wait';

const run = promisify(execFile);

/** A pino destination that keeps the lines it is given. */
function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

describe('config: telemetry (JSON logs with the case id, Prometheus metrics)', () => {
  it('a line with a workflowId carries it as caseId, as JSON with a level name', () => {
    const out = capture();
    const logger = new CaseLogger(createWorkerLogger('debug', out.stream));
    const at = BigInt(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) * 1_000_000n;
    logger.info('Activity started', {
      workflowId: 'refund-case-o-1',
      activityType: 'sendEmail',
      [LogTimestamp]: at,
    });
    logger.debug('Worker state changed', { sdkComponent: 'worker' });
    const [first, second] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(first?.caseId, 'refund-case-o-1');
    assert.equal(first?.msg, 'Activity started');
    assert.equal(first?.level, 'info');
    assert.equal(first?.activityType, 'sendEmail');
    assert.equal(first?.time, '2026-01-02T03:04:05.678Z', 'the SDK event time, not the write time');
    assert.equal(typeof second?.time, 'string');
    assert.equal(second?.caseId, undefined, 'no case, no caseId');
  });

  it('lines below the configured level are dropped', () => {
    const out = capture();
    const logger = new CaseLogger(createWorkerLogger('warn', out.stream));
    logger.info('quiet');
    logger.error('loud', { error: new Error('boom') });
    assert.equal(out.lines.length, 1);
    const line = JSON.parse(out.lines[0] as string) as { error: { message: string; stack: string } };
    assert.equal(line.error.message, 'boom', 'errors are serialized with message and stack');
    assert.ok(line.error.stack);
  });

  it('metrics port 0 turns the exporter off; any other binds all interfaces', () => {
    assert.equal(metricsBindAddress(0), undefined);
    assert.equal(metricsBindAddress(9464), '0.0.0.0:9464');
  });

  it('a worker process logs its workflow lines with caseId and serves SDK metrics', async function () {
    this.timeout(120_000);
    const env = await devServerEnv();
    const taskQueue = uniqueTaskQueue('telemetry');
    const workflowId = `refund-case-${taskQueue}`;
    const metricsPort = await freePort();
    const { stdout, stderr } = await run(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, 'telemetry-child.ts')],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          REFUNDFLOW_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
          REFUNDFLOW_METRICS_PORT: String(metricsPort),
          LOG_LEVEL: 'debug',
          TELEMETRY_WORKFLOW_ID: workflowId,
        },
        maxBuffer: 32 * 1024 * 1024,
      },
    );
    const lines = stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          assert.fail(`a log line that is not JSON: ${l}`);
        }
      });
    const caseLines = lines.filter((l) => l.caseId === workflowId);
    assert.ok(
      caseLines.length > 0,
      `no line with caseId ${workflowId}; messages: ${lines.map((l) => l.msg).join(' | ')}`,
    );
    const started = caseLines.find((l) => l.msg === 'Workflow started');
    assert.ok(
      started,
      `the SDK's "Workflow started" line carries the case id; messages: ${caseLines.map((l) => l.msg).join(' | ')}`,
    );
    assert.equal(started.workflowType, 'namedThing');
    assert.match(stderr, /^METRICS 200$/m);
    assert.match(stderr, /^temporal_\w+/m, 'SDK metrics are exported with the temporal_ prefix');
  });
});
