// `refundflow case start|request|report-issue|review|decide|withdraw|dispute|show|list` and `refundflow usage
// report`: refund cases and usage reports through the HTTP API (never Temporal directly), so the
// CLI has exactly the rights of its key. The call is in http.ts, local input in input.ts, what
// is printed in render.ts.
// Bad local input exits 2 naming the field; an API refusal exits 1 with the API's message.
import type { Command } from 'commander';
import {
  DecisionBody,
  DisputeBody,
  IssueBody,
  RefundRequestBody,
  TechnicalReviewBody,
  UsageBody,
  WithdrawalBody,
} from '../api/requests';
import { ApiRefused, EXIT_API_REFUSED, api, apiGroup, connectionOf, type Connection } from './http';
import { BadInput, check, readJson } from './input';
import { EXIT_BAD_INPUT } from './policy-commands';
import { printCase, printCaseList, type RoleCaseView } from './render';
import { registerSimulateCommand } from './simulate-command';

export function registerCaseCommands(program: Command): void {
  const group = apiGroup(program, 'case', 'refund cases through the HTTP API');

  const run =
    <A extends unknown[]>(
      body: (conn: Connection, ...args: A) => Promise<unknown>,
      render: (value: never) => string = printCase as (value: never) => string,
    ) =>
    async (...args: [...A, Record<string, unknown>, Command]) => {
      const command = args[args.length - 1] as Command;
      const conn = connectionOf(command);
      try {
        const value = await body(conn, ...(args.slice(0, -1) as A));
        process.stdout.write(`${conn.json ? JSON.stringify(value, null, 2) : render(value as never)}\n`);
      } catch (error) {
        if (error instanceof BadInput) {
          process.stderr.write(`${error.message}\n`);
          process.exitCode = EXIT_BAD_INPUT;
        } else if (error instanceof ApiRefused) {
          process.stderr.write(`${error.message}\n`);
          process.exitCode = EXIT_API_REFUSED;
        } else throw error;
      }
    };
  const write = (orderId: string, path: string) => `/v1/cases/${encodeURIComponent(orderId)}/${path}`;

  group
    .command('start')
    .description('start the case for an order (idempotent per orderId)')
    .requiredOption('--policy <id>', 'preset policy id')
    .requiredOption('--order <file>', 'the order as JSON (- for stdin)')
    .option('--email <address>', "the customer's email address")
    .action(
      run(
        async (conn, options: { policy: string; order: string; email?: string }) => {
          const order = await readJson(options.order, 'order');
          return api(conn, 'POST', '/v1/cases', {
            policyId: options.policy,
            order,
            ...(options.email ? { customerEmail: options.email } : {}),
          });
        },
        ((answer: { created: boolean; case: RoleCaseView }) =>
          `${answer.created ? 'started' : 'already started'}\n${printCase(answer.case)}`) as (
          value: never,
        ) => string,
      ),
    );

  group
    .command('request <orderId>')
    .description('ask for a refund; prints the outcome so far')
    .requiredOption(
      '--reason <reason>',
      'service_unusable, provider_fault, billing_error, dissatisfied, changed_mind, …',
    )
    .option('--description <text>')
    .action(
      run(async (conn, orderId: string, o: { reason: string; description?: string }) =>
        api(conn, 'POST', write(orderId, 'refund-requests'), check(RefundRequestBody, o)),
      ),
    );

  group
    .command('report-issue <orderId>')
    .description('report a technical issue (starts the remediation clock)')
    .requiredOption('--description <text>')
    .action(
      run(async (conn, orderId: string, o: { description: string }) =>
        api(conn, 'POST', write(orderId, 'issues'), check(IssueBody, o)),
      ),
    );

  group
    .command('review <orderId>')
    .description('record a technical review (reviewer)')
    .requiredOption(
      '--outcome <outcome>',
      'provider_fault | user_caused | third_party | remediated | unresolved',
    )
    .option('--notes <text>')
    .action(
      run(async (conn, orderId: string, o: { outcome: string; notes?: string }) =>
        api(conn, 'POST', write(orderId, 'technical-reviews'), check(TechnicalReviewBody, o)),
      ),
    );

  group
    .command('decide <orderId>')
    .description('decide a discretionary or escalated case (reviewer)')
    .requiredOption(
      '--outcome <outcome>',
      'full_refund | partial_refund | credit | service_extension | denied',
    )
    .requiredOption('--note <text>', 'why, for the timeline and support (internal: never emailed)')
    .option('--customer-message <text>', 'words to the customer, sent in the decision email')
    .option('--amount <minor>', 'amount in minor units')
    .option('--extension-days <days>')
    .action(
      run(
        async (
          conn,
          orderId: string,
          o: {
            outcome: string;
            note: string;
            customerMessage?: string;
            amount?: string;
            extensionDays?: string;
          },
        ) => {
          const number = (field: string, value: string | undefined) => {
            if (value === undefined) return undefined;
            if (!/^\d+$/.test(value))
              throw new BadInput(`${field}: expected a whole number, received ${value}`);
            return Number(value);
          };
          const amountMinor = number('amountMinor', o.amount);
          const extensionDays = number('extensionDays', o.extensionDays);
          const body = check(DecisionBody, {
            outcome: o.outcome,
            note: o.note,
            ...(o.customerMessage !== undefined ? { customerMessage: o.customerMessage } : {}),
            ...(amountMinor !== undefined ? { amountMinor } : {}),
            ...(extensionDays !== undefined ? { extensionDays } : {}),
          });
          return api(conn, 'POST', write(orderId, 'decisions'), body);
        },
      ),
    );

  group
    .command('withdraw <orderId>')
    .description('the customer withdraws the request')
    .option('--note <text>')
    .action(
      run(async (conn, orderId: string, o: { note?: string }) =>
        api(conn, 'POST', write(orderId, 'withdrawal'), check(WithdrawalBody, o)),
      ),
    );

  group
    .command('dispute <orderId>')
    .description('the customer disputes a denial (within the dispute period); a person decides')
    .requiredOption('--description <text>', 'why the customer disputes the denial')
    .action(
      run(async (conn, orderId: string, o: { description: string }) =>
        api(conn, 'POST', write(orderId, 'disputes'), check(DisputeBody, o)),
      ),
    );

  group
    .command('show <orderId>')
    .description('the case: status, deadlines, decision and timeline')
    .action(
      run(async (conn, orderId: string) => api(conn, 'GET', `/v1/cases/${encodeURIComponent(orderId)}`)),
    );

  group
    .command('list')
    .description('list cases, with counts per status')
    .option('--status <status>')
    .option('--policy <id>')
    .option('--customer <id>')
    .option('--due-before <iso>', 'cases whose next deadline falls before this time')
    .option('--escalated', 'escalated cases only')
    .option('--q <text>', 'an order id prefix, a customer id prefix or a customer email')
    .option('--sort <key>', 'updated (default), deadline or opened')
    .option('--order <dir>', 'asc or desc')
    .option('--page-size <n>', 'cases per page (1–200, default 50)')
    .option('--page-token <token>', "the previous page's next-page token")
    .action(
      run(
        async (conn, o: Record<string, string | boolean | undefined>) => {
          const query = new URLSearchParams();
          const names: Record<string, string> = {
            status: 'status',
            policy: 'policy',
            customer: 'customerId',
            dueBefore: 'dueBefore',
            q: 'q',
            sort: 'sort',
            order: 'order',
            pageSize: 'pageSize',
            pageToken: 'pageToken',
          };
          for (const [option, param] of Object.entries(names))
            if (typeof o[option] === 'string') query.set(param, o[option]);
          if (o.escalated) query.set('escalated', 'true');
          return api(conn, 'GET', `/v1/cases${query.size > 0 ? `?${query}` : ''}`);
        },
        printCaseList as (value: never) => string,
      ),
    );

  registerSimulateCommand(group);

  // `refundflow usage report`: checkout's cumulative usage for the embedded billing store, which
  // the case reads where the policy depends on usage (caps, pro-rata).
  apiGroup(program, 'usage', 'usage reports through the HTTP API')
    .command('report <orderId>')
    .description('report the cumulative usage of an order, in its quota unit (as of now, or --reported-at)')
    .requiredOption('--used <amount>', 'the amount used so far, e.g. 3000 (requests) or 0.5 (GB)')
    .option('--reported-at <iso>', 'when the figure was measured (ISO 8601 with offset; default: now)')
    .action(
      run(
        async (conn, orderId: string, o: { used: string; reportedAt?: string }) => {
          const used = o.used.trim() === '' ? Number.NaN : Number(o.used);
          const body = check(UsageBody, { used, reportedAt: o.reportedAt ?? new Date().toISOString() });
          return api(conn, 'PUT', `/v1/orders/${encodeURIComponent(orderId)}/usage`, body);
        },
        ((answer: { orderId: string; usage: { used: number; reportedAt: string } }) =>
          `usage of ${answer.orderId}: ${answer.usage.used} as of ${answer.usage.reportedAt}`) as (
          value: never,
        ) => string,
      ),
    );
}
