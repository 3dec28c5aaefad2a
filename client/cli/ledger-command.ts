// `refundflow ledger backfill [--query <visibility query>]`: rebuilds the case ledger from the
// Temporal histories (ledger/backfill.ts), with the worker's configuration: TEMPORAL_* to reach
// the server, REFUNDFLOW_ENCRYPTION_KEYS to decode, REFUNDFLOW_DATA_DIR or REFUNDFLOW_DATABASE_URL
// for the ledger. Idempotent: run it on a lost ledger, a new one or a live one. Prints the counts
// (JSON with --json). Exit 0 done, 2 bad configuration, 1 the server or the ledger failed.
import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import { buildDataConverter } from '../../codec/data-converter';
import { ConfigError, loadConfig } from '../../config';
import { clientConnectionOptions } from '../../config/connection';
import { BACKFILL_QUERY, backfillLedger } from '../../ledger/backfill';
import { openLedger } from '../../ledger/store';
import { EXIT_BAD_INPUT } from './policy-commands';

export function registerLedgerCommands(program: Command): void {
  const group = program.command('ledger').description('the case ledger (the read model of reports)');
  group
    .command('backfill')
    .description('rebuild the ledger from Temporal histories (every run of every case); idempotent')
    .option('--query <visibility query>', 'which executions to read', BACKFILL_QUERY)
    .option('--json', 'print the counts as JSON', false)
    .option('--verbose', 'print a line per run that holds rows', false)
    .action(async (options: { query: string; json: boolean; verbose: boolean }) => {
      let config;
      try {
        config = loadConfig();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      const dataConverter = buildDataConverter(config.encryption);
      const connection = await Connection.connect(clientConnectionOptions(config.temporal));
      const ledger = await openLedger(config.ledger);
      try {
        const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
        const report = await backfillLedger({
          client,
          codecs: dataConverter.payloadCodecs ?? [],
          ledger,
          query: options.query,
          ...(options.verbose ? { progress: (line: string) => process.stderr.write(`${line}\n`) } : {}),
        });
        const where = config.ledger.kind === 'sqlite' ? config.ledger.file : 'PostgreSQL';
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ ...report, ledger: config.ledger.kind })}\n`
            : `ledger backfill (${where}): ${report.runs} runs read, ${report.runsWithRows} with rows; ` +
                `${report.rows} rows found, ${report.inserted} added, ${report.present} already there\n`,
        );
      } finally {
        await ledger.close();
        await connection.close();
      }
    });
}
