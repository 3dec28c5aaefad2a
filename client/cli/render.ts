// How the CLI prints what the API answered (without --json): a case as its key's role reads it,
// the case list with counts, and tables through cli-table3, borderless, with long values cut
// short (a 600-character order id must not push every other column off the screen; --json
// prints it whole).
import Table from 'cli-table3';

/** The widest a table cell prints; longer values end in an ellipsis. */
export const MAX_CELL = 40;
/** A timeline entry's summary is read as a sentence: more room. */
const MAX_SUMMARY = 100;
/** Two spaces between columns, no borders: the output stays easy to grep and to paste. */
const GAP = 2;
const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};

/** A header row, then one row per item; each column as wide as its widest cell, up to `maxWidths`. */
export function table(headers: string[], rows: string[][], maxWidths: number[] = []): string {
  const widths = headers.map((header, i) => {
    const widest = Math.max(header.length, ...rows.map((row) => [...(row[i] ?? '')].length));
    return Math.min(widest, maxWidths[i] ?? MAX_CELL) + GAP;
  });
  const out = new Table({
    head: headers,
    colWidths: widths,
    chars: NO_BORDERS,
    truncate: '…',
    wordWrap: false,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': GAP, compact: true },
  });
  out.push(...rows.map((row) => headers.map((_, i) => row[i] ?? '')));
  return out
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .join('\n');
}

/** What checkout's key reads of a case (CheckoutCase in the OpenAPI document). */
export interface CheckoutView {
  orderId: string;
  status: string;
  policyId: string;
  currency: string;
  paidMinor: number;
  nextDeadline?: string;
  deadlines: Record<string, string | undefined>;
  decision?: {
    outcome: string;
    amountMinor: number;
    currency: string;
    reasons: string[];
    explanations?: string[];
  };
}

/** What a staff key reads (Case in the OpenAPI document). */
export interface CaseView extends CheckoutView {
  customerId: string;
  escalated: boolean;
  deadlines: Record<string, string | undefined>;
  decision?: {
    outcome: string;
    amountMinor: number;
    currency: string;
    reasons: string[];
    explanations?: string[];
  };
  timeline: { at: string; type: string; actor: { role: string }; summary: string }[];
}
export type RoleCaseView = CaseView | CheckoutView;

function money(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** A case as the key's role reads it: staff get the whole case, checkout its own view (no timeline). */
export function printCase(view: RoleCaseView): string {
  const staff = 'timeline' in view ? view : undefined;
  const lines = [
    `order      ${view.orderId}`,
    `status     ${view.status}${staff?.escalated ? ' (escalated)' : ''}`,
    `policy     ${view.policyId}`,
    ...(staff ? [`customer   ${staff.customerId}`] : []),
    `paid       ${money(view.paidMinor, view.currency)}`,
  ];
  if (view.nextDeadline) lines.push(`next       ${view.nextDeadline}`);
  if (view.decision) {
    lines.push(
      `decision   ${view.decision.outcome} ${money(view.decision.amountMinor, view.decision.currency)}`,
    );
    view.decision.reasons.forEach((code, i) =>
      lines.push(`  ${code}: ${view.decision!.explanations?.[i] ?? ''}`.trimEnd()),
    );
  }
  const deadlines = Object.entries(view.deadlines).filter(([, at]) => at);
  if (deadlines.length > 0)
    lines.push(
      '',
      table(
        ['deadline', 'at'],
        deadlines.map(([name, at]) => [name, at!]),
      ),
    );
  if (staff)
    lines.push(
      '',
      table(
        ['at', 'event', 'by', 'summary'],
        staff.timeline.map((e) => [e.at, e.type, e.actor.role, e.summary]),
        [MAX_CELL, MAX_CELL, MAX_CELL, MAX_SUMMARY],
      ),
    );
  return lines.join('\n');
}

/** One row of `GET /v1/cases` (CaseSummary in the OpenAPI document). */
export interface CaseListAnswer {
  cases: {
    orderId: string;
    status?: string;
    policyId?: string;
    customerId?: string;
    nextDeadline?: string;
    escalated: boolean;
  }[];
  counts: Record<string, number>;
  total?: number;
  nextPageToken?: string;
}

/** The case list: one row per case (escalated ones marked `!`), then the counts per status. */
export function printCaseList(answer: CaseListAnswer): string {
  return [
    table(
      ['order', 'status', 'policy', 'customer', 'next deadline'],
      answer.cases.map((c) => [
        c.orderId,
        `${c.status ?? ''}${c.escalated ? ' !' : ''}`,
        c.policyId ?? '',
        c.customerId ?? '',
        c.nextDeadline ?? '',
      ]),
    ),
    '',
    Object.entries(answer.counts)
      .map(([status, n]) => `${status}: ${n}`)
      .join('  ') || 'no cases',
    ...(answer.total !== undefined ? [`${answer.cases.length} of ${answer.total} cases`] : []),
    ...(answer.nextPageToken ? [`next page: --page-token ${answer.nextPageToken}`] : []),
  ].join('\n');
}
