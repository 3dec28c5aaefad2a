// /v1/reports: the refunds desk's figures and the finance export, read from the case ledger.
import { Readable } from 'node:stream';
import type { Ledger } from '../../../ledger/store';
import { ledgerRows, reportSummary, type ReportRange } from '../../../ledger/reports';
import { ledgerCsvHeader, ledgerCsvLine } from '../../../ledger/csv';
import { HttpError } from '../errors';
import {
  LedgerCsvReply,
  ReportRangeQuery,
  ReportSummaryQuery,
  ReportSummaryReply,
  startOf,
} from '../report-replies';
import type { RouteTable } from '../route';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;

/** The window a query names: `to` defaults to now, `from` to 30 days before `to`. */
export function windowOf(query: { from?: string; to?: string }, now: string): { from: string; to: string } {
  // A date for `to` includes that whole day; an instant is the exclusive end itself.
  const to =
    query.to === undefined
      ? Date.parse(now)
      : (startOf(query.to) as number) + (query.to.length === 10 ? DAY_MS : 0);
  const from = query.from === undefined ? to - DEFAULT_DAYS * DAY_MS : (startOf(query.from) as number);
  if (from >= to)
    throw new HttpError(400, 'invalid query', [
      { path: query.to !== undefined ? 'to' : 'from', message: 'must be after from (the window is empty)' },
    ]);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

export function registerReportRoutes(routes: RouteTable, ledger: Ledger | undefined): void {
  const open = (): Ledger => {
    if (!ledger) throw new HttpError(503, 'the case ledger is not configured in this process');
    return ledger;
  };
  routes.add(
    {
      method: 'GET',
      url: '/v1/reports/summary',
      access: ['support'],
      tag: 'reports',
      summary:
        'Requests, outcomes, money per currency, denial reasons, decision time against each promise, escalations and late payouts in a window',
      query: ReportSummaryQuery,
      reply: ReportSummaryReply,
      responses: { 503: 'the case ledger is not configured' },
    },
    async ({ query, receivedAt }) => {
      const range: ReportRange = {
        ...windowOf(query, receivedAt),
        ...(query.policy !== undefined ? { policy: query.policy } : {}),
      };
      return reportSummary(open().db, range);
    },
  );
  routes.add(
    {
      method: 'GET',
      url: '/v1/reports/ledger.csv',
      access: [],
      tag: 'reports',
      summary: 'The ledger rows of a window as CSV, for finance (streamed, oldest first)',
      query: ReportRangeQuery,
      reply: LedgerCsvReply,
      replyType: 'text/csv',
      responses: { 503: 'the case ledger is not configured' },
    },
    ({ query, receivedAt, reply }) => {
      const range = windowOf(query, receivedAt);
      const db = open().db;
      const name = `ledger-${range.from.slice(0, 10)}-${range.to.slice(0, 10)}.csv`;
      void reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`);
      async function* lines(): AsyncGenerator<string> {
        yield ledgerCsvHeader();
        for await (const row of ledgerRows(db, range)) yield ledgerCsvLine(row);
      }
      // Fastify sends a returned stream as the body, a page of rows at a time; the route table
      // types the reply as the CSV text it documents.
      return Readable.from(lines()) as unknown as string;
    },
  );
}
