// Renders zod issues as one line per problem, naming the field: "order.amountMinor: expected
// integer, received 10.5". The API and the CLI both show validation errors this way.
import type { z } from 'zod';

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(input)';
}

function formatMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  if (input === undefined && issue.code !== 'custom')
    return `required (${message.replace(/, received undefined$/, '')})`;
  if (issue.code === 'invalid_type' && issue.expected === 'int')
    return typeof input === 'number' ? `expected integer, received ${input}` : 'expected integer';
  return message;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One "path: message" line per issue; pass the parsed value to quote offending values. */
export function formatZodIssues(
  error: z.ZodError | { issues: readonly z.core.$ZodIssue[] },
  input?: unknown,
): string[] {
  return error.issues.map(
    (issue) => `${formatPath(issue.path)}: ${formatMessage(issue, valueAt(input, issue.path))}`,
  );
}
