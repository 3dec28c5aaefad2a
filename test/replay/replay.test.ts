// Every committed history must replay against the current workflow code. A change that alters
// the commands a workflow issues breaks these; it needs patched() (see README, "Changing the
// workflow safely"). Record new histories with: REFUNDFLOW_RECORD_HISTORIES=1 npx mocha test/workflows
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../support/servers';

const dir = path.join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

function loadHistory(file: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
}

describe('replay: committed histories against the current workflow code', function () {
  this.timeout(120_000);

  it('has histories for the lifecycle paths', () => {
    for (const name of [
      'approved-and-paid',
      'denied-with-reasons',
      'window-expired',
      'issue-unremediated',
      'payout-failed-credited',
    ])
      assert.ok(files.includes(`${name}.json`), `${name}.json is committed`);
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = loadHistory(file);
      assert.ok((history.events?.length ?? 0) > 3, 'a real history');
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    });
  }

  it('detects a nondeterministic change (the check has teeth)', async () => {
    const history = loadHistory('approved-and-paid.json');
    // Drop the first activity the workflow scheduled: the replayed code now issues a command the history lacks.
    const events = history.events!.filter((e) => !e.activityTaskScheduledEventAttributes);
    const tampered = temporal.api.history.v1.History.create({ events });
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, tampered, 'tampered'),
    );
  });
});
