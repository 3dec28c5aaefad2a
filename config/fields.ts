// The building blocks of the configuration's schemas: one rule per kind of value, each with the
// message an operator reads next to the variable's name.
import { accessSync, constants as fsConstants } from 'node:fs';
import { z } from 'zod';

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(fallback);

export const requiredWhen = (condition: string) => z.string({ error: `is required when ${condition}` });

export const readableFile = z.string().refine(
  (path) => {
    try {
      accessSync(path, fsConstants.R_OK);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `cannot read file ${String(issue.input)}` },
);

export const emailAddress = z.email('must be an email address');
// SMTP_FROM may carry a display name: "Refunds <refunds@example.com>".
export const fromAddress = z
  .string()
  .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address or "Name <address>"');

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
export const postgresUrl = z.url({ protocol: /^postgres(?:ql)?$/, error: 'must be a postgres:// URL' });

export const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

export const commaList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
