// Runs in its own process, because the SDK Runtime can be installed once per process and the
// test process already has one. Installs telemetry from the environment, runs one workflow with
// an activity-free fixture on the server at TEMPORAL_ADDRESS, then prints the metrics page to
// stderr; the JSON log lines go to stdout, where the parent test reads them.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { clientConnectionOptions, workerConnectionOptions } from '../../config/connection';
import { installTelemetry } from '../../worker/telemetry';
import { namedThing, renameUpdate } from '../fixtures/foundation-workflows';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = installTelemetry(config.process);
  const workflowId = process.env.TELEMETRY_WORKFLOW_ID as string;
  const native = await NativeConnection.connect(workerConnectionOptions(config.temporal));
  const connection = await Connection.connect(clientConnectionOptions(config.temporal));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const worker = await Worker.create({
    connection: native,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('../fixtures/foundation-workflows'),
  });
  await worker.runUntil(async () => {
    const handle = await client.workflow.start(namedThing, {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: ['telemetry'],
    });
    await handle.executeUpdate(renameUpdate, { args: ['done'] });
    await handle.result();
  });
  const metrics = await fetch(`http://127.0.0.1:${config.process.metricsPort}/metrics`);
  process.stderr.write(`METRICS ${metrics.status}\n${await metrics.text()}`);
  logger.info({ workflowId }, 'telemetry child done');
  await connection.close();
  await native.close();
}

// Only when run as a program: mocha loads every file of a folder it is pointed at.
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
