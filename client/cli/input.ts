// The CLI's local input: JSON from a file or stdin, and values checked by the API's own request
// schemas before anything is sent; bad input exits 2 naming the field.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { formatZodIssues } from '../../policies';

/** Local input the API would refuse: exits 2 with the field and the problem. */
export class BadInput extends Error {}

/** Works on full zod and zod/mini schemas alike (the message bodies are zod/mini). */
export function check<S extends z.core.$ZodType>(schema: S, value: unknown): z.output<S> {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new BadInput(formatZodIssues(result.error, value).join('\n'));
  return result.data;
}

/**
 * JSON from a file, or from stdin for `-`. An unreadable source or invalid JSON is bad input named
 * after the option (`order: …`, `input: …`); `fail` gives the command's own bad-input error.
 */
export async function readJson(
  source: string,
  field: string,
  fail: (message: string) => Error = (message) => new BadInput(message),
): Promise<unknown> {
  let text: string;
  try {
    if (source === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin)
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      text = Buffer.concat(chunks).toString('utf8');
    } else text = await readFile(source, 'utf8');
  } catch (error) {
    throw fail(`${field}: cannot read ${source === '-' ? 'stdin' : source}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw fail(`${field}: not valid JSON: ${(error as Error).message}`);
  }
}
