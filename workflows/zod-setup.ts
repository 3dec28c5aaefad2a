// zod/mini sets no error messages until a locale is given (full zod sets English by itself).
// The worker preloads this module (SHARED_WORKFLOW_MODULES in client/data-converter.ts): it runs
// once, before any workflow, in the scope every workflow shares — where zod's own state lives —
// and that scope is frozen afterwards, so no workflow may set zod's configuration again.
import { z } from 'zod/mini';

z.config(z.locales.en());

/**
 * The zod functions workflows/messages.ts builds its schemas with. Naming them here makes the
 * preload evaluate the zod modules behind them, so every workflow shares them; the bundler leaves
 * out a preloaded zod module that nothing of ours uses (zod is marked free of side effects).
 */
export const ZOD_FUNCTIONS_OF_THE_MESSAGES = [
  z.array,
  z.boolean,
  z.discriminatedUnion,
  z.enum,
  z.int,
  z.iso.datetime,
  z.literal,
  z.lte,
  z.maxLength,
  z.minLength,
  z.nonnegative,
  z.number,
  z.optional,
  z.positive,
  z.regex,
  z.strictObject,
  z.string,
  z.trim,
];
