// The pre-deploy check: fetch real histories from a Temporal server and replay them against the
// workflow code about to be deployed. A case that would take another path with the new code
// fails here (a nondeterminism error names it), not in production weeks later.
//
//   npm run replay -- --query "ExecutionStatus = 'Running'"
//
// Connection and keys come from the usual variables (config/index.ts: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, TEMPORAL_API_KEY, REFUNDFLOW_ENCRYPTION_KEYS): payloads are
// decoded through the same codec the worker uses. Exit status: 0 all replayed, 1 a history failed
// (or none matched, unless --allow-none), 2 bad usage or configuration.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Command, CommanderError } from 'commander';
import { buildDataConverter, workflowBundlerOptions } from '../codec/data-converter';
import { ConfigError, loadConfig } from '../config';
import { clientConnectionOptions } from '../config/connection';

const DEFAULT_QUERY = "WorkflowType = 'refundCase' AND ExecutionStatus = 'Running'";

export interface ReplayOptions {
  query: string;
  workflows: string;
  limit?: number;
  allowNone: boolean;
}

export interface ReplaySummary {
  replayed: number;
  failed: { workflowId: string; runId: string; error: string }[];
}

export async function replayFromServer(
  options: ReplayOptions,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<ReplaySummary> {
  const config = loadConfig(env);
  const dataConverter = buildDataConverter(config.encryption);
  const bundle = await bundleWorkflowCode({
    workflowsPath: options.workflows,
    ...workflowBundlerOptions,
    logger: {
      log() {},
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error: (m: string) => console.error(m),
    },
  });
  const connection = await Connection.connect(clientConnectionOptions(config.temporal));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
    out(`Replaying histories matching: ${options.query}`);
    out(
      `  namespace ${config.temporal.namespace} at ${config.temporal.address}; workflow code ${path.relative(process.cwd(), options.workflows) || options.workflows}`,
    );
    const histories = client.workflow
      .list({ query: options.query, ...(options.limit ? { pageSize: Math.min(options.limit, 1000) } : {}) })
      .intoHistories({ concurrency: 5 });
    const limited = options.limit ? take(histories, options.limit) : histories;
    const summary: ReplaySummary = { replayed: 0, failed: [] };
    const started = Date.now();
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, dataConverter },
      limited,
    )) {
      summary.replayed++;
      if (result.error) {
        const error = `${result.error.name}: ${result.error.message}`;
        summary.failed.push({ workflowId: result.workflowId, runId: result.runId, error });
        out(`  FAIL ${result.workflowId} (run ${result.runId}): ${error}`);
      } else out(`  ok   ${result.workflowId}`);
    }
    out(
      `${summary.replayed} replayed, ${summary.replayed - summary.failed.length} ok, ${summary.failed.length} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return summary;
  } finally {
    await connection.close();
  }
}

async function* take<T>(source: AsyncIterable<T>, n: number): AsyncIterable<T> {
  if (n <= 0) return;
  let i = 0;
  for await (const item of source) {
    yield item;
    if (++i >= n) return;
  }
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('npm run replay --')
    .description(
      'Replay real case histories from Temporal against the current workflow code (run before every deploy).',
    )
    .option(
      '--query <visibility query>',
      'which executions to replay (Temporal visibility syntax)',
      DEFAULT_QUERY,
    )
    .option(
      '--workflows <module>',
      'the workflow entry module to replay against',
      path.resolve(__dirname, '..', 'workflows', 'index.ts'),
    )
    .option('--limit <n>', 'replay at most this many executions', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new CommanderError(2, 'limit', '--limit: must be a whole number ≥ 1');
      return n;
    })
    .option('--allow-none', 'exit 0 when no execution matches the query', false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const opts = program.opts<{ query: string; workflows: string; limit?: number; allowNone: boolean }>();
  try {
    const summary = await replayFromServer(
      {
        query: opts.query,
        workflows: path.resolve(opts.workflows),
        allowNone: opts.allowNone,
        ...(opts.limit ? { limit: opts.limit } : {}),
      },
      process.env,
      (line) => console.log(line),
    );
    if (summary.failed.length > 0) return 1;
    if (summary.replayed === 0 && !opts.allowNone) {
      console.error('No execution matched the query: nothing was checked (--allow-none accepts that).');
      return 1;
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  // The replay workers' state changes are noise here; warnings and errors still show.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
