// `make cluster` / `npm run cluster`: the production topology on this machine (cluster/cluster.ts),
// its state in data/cluster (REFUNDFLOW_CLUSTER_DIR), two workers (REFUNDFLOW_CLUSTER_WORKERS).
// Ctrl-C (or SIGTERM) stops everything in order; the next run starts where this one stopped.
import path from 'node:path';
import { caughtMail } from './mail-catcher';
import { Cluster, clusterLayout } from './cluster';

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.REFUNDFLOW_CLUSTER_DIR?.trim() || 'data/cluster');
  const workers = Number(process.env.REFUNDFLOW_CLUSTER_WORKERS?.trim() || '2');
  if (!Number.isInteger(workers) || workers < 1 || workers > 16)
    throw new Error('REFUNDFLOW_CLUSTER_WORKERS must be a whole number from 1 to 16');
  const log = (message: string) => process.stdout.write(`[cluster] ${message}\n`);
  const startedAt = Date.now();
  log(`starting in ${dataDir}`);

  const running: { cluster?: Cluster } = {};
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping in order (workers finish their activities first)`);
    void (running.cluster?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(String(err));
        process.exit(1);
      },
    );
  };
  // Until the cluster object exists its children are cleaned up by Cluster.start itself.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const cluster = await Cluster.start({ dataDir, workers, log });
  running.cluster = cluster;
  const l = clusterLayout(dataDir);
  const keys = cluster.config.api.keys.map((k) => `    ${k.role.padEnd(9)} ${k.key}`);
  process.stdout.write(
    [
      '',
      `Refundflow cluster is running (started in ${((Date.now() - startedAt) / 1000).toFixed(1)} s). Ctrl-C stops it.`,
      '',
      `  API and support UI   ${cluster.apiUrl}`,
      `  Temporal frontend    ${cluster.env.TEMPORAL_ADDRESS}  (mTLS; namespace ${cluster.env.TEMPORAL_NAMESPACE})`,
      `    certificates       ${l.tls}  (client.pem, client.key, ca.pem; server name temporal-frontend)`,
      `  PostgreSQL           127.0.0.1:${cluster.ports.postgres}`,
      `  Workers              ${cluster.workers.length} processes, data folders ${l.worker(1)} …`,
      `  Mail received        ${l.mail} (${caughtMail(l.mail).length} so far)`,
      `  Sandbox gateway      ${cluster.workerEnv.REFUNDFLOW_GATEWAY_URL}  (HTTP; its ledger ${l.gateway})`,
      `  Billing service      ${cluster.workerEnv.BILLING_URL}  (billing/openapi.json; bearer key in ${l.billingKey})`,
      `  Logs                 ${l.logs}`,
      '',
      '  API keys:',
      ...keys,
      '',
    ].join('\n'),
  );
  // A service dying under a running cluster is reported; the rest keeps running, as in compose.
  for (const child of [cluster.postgres, ...Object.values(cluster.services), cluster.api, ...cluster.workers])
    void child.whenExited().then((code) => {
      if (!stopping) log(`${child.name} exited (code ${String(code)}); see ${child.spec.logFile}`);
    });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
