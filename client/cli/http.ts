// The CLI's side of the HTTP API: where it is and with which key (options and environment), one
// call, and an API refusal as an error that exits 1 with the API's message.
import type { Command } from 'commander';

export const EXIT_API_REFUSED = 1;

/** The API answered with an error (or could not be reached): its message goes to stderr. */
export class ApiRefused extends Error {}

export interface Connection {
  apiUrl: string;
  key?: string;
  json?: boolean;
}

export function connectionOf(command: Command): Connection {
  return command.optsWithGlobals<Connection>();
}

export async function api(conn: Connection, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, conn.apiUrl), {
      method,
      headers: {
        ...(conn.key ? { authorization: `Bearer ${conn.key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new ApiRefused(`cannot reach the API at ${conn.apiUrl}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: shown as text.
  }
  if (!response.ok) {
    const answer = parsed as { error?: string; issues?: { path: string; message: string }[] };
    const lines = [
      `${response.status}: ${answer.error ?? text}`,
      ...(answer.issues ?? []).map((i) => `  ${i.path}: ${i.message}`),
    ];
    throw new ApiRefused(lines.join('\n'));
  }
  return parsed;
}

/** A command group that talks to the HTTP API, with its connection options. */
export function apiGroup(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option(
      '--api-url <url>',
      'the API base URL (env REFUNDFLOW_API_URL)',
      process.env.REFUNDFLOW_API_URL ?? 'http://localhost:8080',
    )
    .option('--key <key>', 'an API key (env REFUNDFLOW_API_KEY)', process.env.REFUNDFLOW_API_KEY)
    .option('--json', 'print the API answer as JSON');
}
