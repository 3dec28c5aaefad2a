// Rebuilds the case ledger from Temporal: every run of every refund case (continued-as-new chains
// and closed cases included, as visibility lists each run) is read, and the rows its ledger writes
// carried are appended again. The case's local activity returns the rows it was given (packed), so each
// write — successful or not — left them in the run's history as a marker; decoded through the
// codec, they are the same rows with the same event keys. Appending is idempotent by event key:
// a second backfill, or one over a live ledger, adds nothing.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { LedgerAppendResult, LedgerEntry } from '../activities/contract';
import { unpackLedgerRows } from '../activities/ledger-pack';
import { isEncryptedPayload } from '../codec/codec';
import type { Ledger } from './store';

export const BACKFILL_QUERY = "WorkflowType = 'refundCase'";
/** The marker core writes for each local activity call. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const APPEND_BATCH = 500;

export interface BackfillReport {
  /** Runs read (each run of a continued-as-new chain counts). */
  runs: number;
  /** Runs whose history holds ledger rows (older cases, from before the patch, hold none). */
  runsWithRows: number;
  /** Distinct rows found in the histories. */
  rows: number;
  /** Rows the ledger lacked and now has. */
  inserted: number;
  /** Rows the ledger had already. */
  present: number;
}

export async function backfillLedger(options: {
  client: Client;
  /** Only its payload codecs are used: the worker's (the encryption codec). */
  codecs: readonly PayloadCodec[];
  ledger: Ledger;
  query?: string;
  /** A line per run with rows, for the operator. */
  progress?: (line: string) => void;
}): Promise<BackfillReport> {
  const { client, codecs, ledger } = options;
  const report: BackfillReport = { runs: 0, runsWithRows: 0, rows: 0, inserted: 0, present: 0 };
  const seen = new Set<string>();
  let batch: LedgerEntry[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const recordedAt = new Date().toISOString();
    const inserted = await ledger.append(batch.map((row) => ({ ...row, recorded_at: recordedAt })));
    report.inserted += inserted;
    report.present += batch.length - inserted;
    batch = [];
  };
  for await (const execution of client.workflow.list({ query: options.query ?? BACKFILL_QUERY })) {
    report.runs++;
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const rows = await ledgerRowsIn(history.events ?? [], codecs);
    if (rows.length > 0) {
      report.runsWithRows++;
      options.progress?.(`  ${execution.workflowId} (run ${execution.runId}): ${rows.length} rows`);
    }
    for (const row of rows) {
      if (seen.has(row.event_key)) continue;
      seen.add(row.event_key);
      report.rows++;
      batch.push(row);
      if (batch.length >= APPEND_BATCH) await flush();
    }
  }
  await flush();
  return report;
}

/** The ledger rows in one run's history: the results of its appendLedger local activity calls. */
export async function ledgerRowsIn(
  events: temporal.api.history.v1.IHistoryEvent[],
  codecs: readonly PayloadCodec[],
): Promise<LedgerEntry[]> {
  const rows: LedgerEntry[] = [];
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) continue;
    const [data] = marker.details?.data?.payloads ?? [];
    const [result] = marker.details?.result?.payloads ?? [];
    if (!data || !result) continue; // a failed call records no result
    const meta = (await decode([data], codecs)) as { activity_type?: string } | undefined;
    if (meta?.activity_type !== 'appendLedger') continue;
    const answer = (await decode([result], codecs)) as LedgerAppendResult | undefined;
    // Packed since the packing (activities/ledger-pack.ts), whole in histories recorded before it.
    if (answer?.packed) rows.push(...unpackLedgerRows(answer.packed));
    rows.push(...(answer?.rows ?? []));
  }
  return rows;
}

async function decode(payloads: Payload[], codecs: readonly PayloadCodec[]): Promise<unknown> {
  // Core writes the marker's own data in plain JSON; the result went through the worker's codec.
  let decoded = payloads;
  if (isEncryptedPayload(payloads[0]!))
    for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
  return defaultPayloadConverter.fromPayload(decoded[0]!);
}
