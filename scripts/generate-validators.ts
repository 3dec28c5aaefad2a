// Writes workflows/generated/message-specs.ts: each message the workflow validates, described from
// its zod/mini schema (workflows/message-schemas.ts, the one definition) for the zod-free checker
// in workflows/message-check.ts, so zod stays out of the workflow's module graph (issue 15).
// Run it after changing a message schema: `npx tsx scripts/generate-validators.ts`.
// test/workflows/message-validators.test.ts fails while the committed file is stale, and runs the
// checker and zod side by side on a corpus of messages.
//
// It reads zod's `_zod.def` and knows exactly the constructs the messages use; anything else
// (another check, a custom error where none is expected, a transform) stops it with an error
// rather than being described wrongly.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod/mini';
import { messageSchema, type MessageSchemaName } from '../workflows/message-schemas';

export const GENERATED_SPECS_PATH = path.resolve(
  __dirname,
  '..',
  'workflows',
  'generated',
  'message-specs.ts',
);

/** The messages the workflow validates (signals, updates), in workflows/message-validators.ts. */
export const VALIDATED_MESSAGES = [
  'RequestRefund',
  'ReportIssue',
  'RequestInformation',
  'ProvideInformation',
  'SubmitTechnicalReview',
  'Decide',
  'Withdraw',
  'CancelSubscription',
  'Dispute',
  'ResolvePayout',
  'AcknowledgeLateEvents',
  'PaymentUpdate',
  'Chargeback',
  'IncidentConfirmed',
  'UsageReported',
] as const satisfies readonly MessageSchemaName[];

// zod's internals, as far as this script reads them.
type ZodDef = Record<string, unknown> & { type?: string; check?: string; checks?: ZodThing[] };
type ZodThing = { _zod: { def: ZodDef; traits: Set<string>; values?: Set<unknown> } };

const english = z.locales.en().localeError;
const unsupported = (what: string): never => {
  throw new Error(`scripts/generate-validators.ts cannot describe ${what}: teach it, and message-check.ts`);
};

/** The source text of every message's description, sharing the schemas named in messageSchema. */
export function describeMessages(): string {
  const named = new Map<unknown, string>(
    Object.entries(messageSchema).map(([name, build]) => [build(), name] as const),
  );
  const shared: string[] = [];
  const emitted = new Set<string>();

  const describe = (schema: ZodThing, top = false): string => {
    const name = named.get(schema);
    if (name && !top) {
      if (!emitted.has(name)) {
        const text = describe(schema, true);
        emitted.add(name);
        shared.push(`const ${name}: Spec = ${text};`);
      }
      return name;
    }
    const def = schema._zod.def;
    const own = schema._zod.traits.has('$ZodCheck') ? [schema] : [];
    const checks = (): string => {
      const all = [...own, ...(def.checks ?? [])].map(describeCheck);
      return all.length ? `, checks: [${all.join(', ')}]` : '';
    };
    if (def.error && !own.length) unsupported(`a custom error on a ${def.type}`);
    switch (def.type) {
      case 'string':
      case 'number':
        return `{ type: '${def.type}'${checks()} }`;
      case 'boolean':
        return `{ type: 'boolean'${checks()} }`;
      case 'enum':
      case 'literal': {
        const values = def.type === 'enum' ? [...schema._zod.values!] : (def.values as unknown[]);
        if (!values.every((v) => typeof v === 'string')) unsupported(`a ${def.type} of other than strings`);
        if (def.checks?.length) unsupported(`checks on a ${def.type}`);
        return `{ type: '${def.type}', values: ${JSON.stringify(values)} }`;
      }
      case 'optional':
        if (def.checks?.length) unsupported('checks on an optional');
        return `{ type: 'optional', inner: ${describe(def.innerType as ZodThing)} }`;
      case 'array':
        return `{ type: 'array', element: ${describe(def.element as ZodThing)}${checks()} }`;
      case 'object': {
        const catchall = def.catchall as ZodThing | undefined;
        if (catchall?._zod.def.type !== 'never') unsupported('an object that is not strict');
        if (def.checks?.length) unsupported('checks on an object');
        const shape = def.shape as Record<string, ZodThing>;
        const fields = Object.entries(shape).map(
          ([key, field]) => `${JSON.stringify(key)}: ${describe(field)}`,
        );
        return `{ type: 'object', shape: { ${fields.join(', ')} } }`;
      }
      case 'union': {
        const discriminator = def.discriminator;
        if (typeof discriminator !== 'string' || def.unionFallback || def.checks?.length)
          unsupported('a union other than a plain discriminatedUnion');
        const options = (def.options as ZodThing[]).map((option) => {
          const tag = (option._zod.def.shape as Record<string, ZodThing> | undefined)?.[
            discriminator as string
          ];
          const values = tag?._zod.def.type === 'literal' ? (tag._zod.def.values as unknown[]) : [];
          if (values.length !== 1 || typeof values[0] !== 'string')
            unsupported('a discriminatedUnion option without one string literal');
          return [values[0] as string, option] as const;
        });
        const message = english({
          code: 'invalid_union',
          errors: [],
          options: options.map(([tag]) => tag),
          input: undefined,
        } as never);
        const entries = options.map(([tag, option]) => `${JSON.stringify(tag)}: ${describe(option)}`);
        return `{ type: 'discriminated', discriminator: ${JSON.stringify(discriminator)}, options: { ${entries.join(', ')} }, message: ${JSON.stringify(message)} }`;
      }
      default:
        return unsupported(`a ${def.type} schema`);
    }
  };

  const messages = VALIDATED_MESSAGES.map(
    (name) => `${name}: ${describe(messageSchema[name]() as never, true)},`,
  );
  return [
    ...shared,
    '',
    `export const messageSpecs = {`,
    ...messages,
    `} satisfies Record<string, Spec>;`,
  ].join('\n');
}

function describeCheck(ch: ZodThing): string {
  const def = ch._zod.def;
  if (def.abort) unsupported(`an aborting ${def.check} check`);
  if (def.error && def.check !== 'string_format') unsupported(`a custom error on a ${def.check} check`);
  switch (def.check) {
    case 'overwrite': {
      const tx = def.tx as (s: string) => string;
      const trims = tx('  a b\t\n') === 'a b' && tx('Ab') === 'Ab' && tx('\u00a0x\u00a0') === 'x';
      return trims ? `{ check: 'trim' }` : unsupported('an overwrite other than trim');
    }
    case 'min_length':
      return `{ check: 'min_length', value: ${Number(def.minimum)} }`;
    case 'max_length':
      return `{ check: 'max_length', value: ${Number(def.maximum)} }`;
    case 'greater_than':
    case 'less_than':
      if (typeof def.value !== 'number') unsupported(`a ${def.check} of a ${typeof def.value}`);
      return `{ check: '${def.check}', value: ${def.value as number}, inclusive: ${Boolean(def.inclusive)} }`;
    case 'number_format':
      return def.format === 'safeint'
        ? `{ check: 'safeint' }`
        : unsupported(`the number format ${def.format as string}`);
    case 'string_format': {
      const pattern = def.pattern;
      if (!(pattern instanceof RegExp) || pattern.global || pattern.sticky)
        unsupported(`the string format ${def.format as string} without a plain pattern`);
      const issue = {
        code: 'invalid_format',
        origin: 'string',
        format: def.format,
        pattern: String(pattern),
        input: '',
      } as never;
      const custom = (def.error as ((i: unknown) => unknown) | undefined)?.(issue);
      const message = typeof custom === 'string' ? custom : english(issue);
      return `{ check: 'format', pattern: ${String(pattern)}, message: ${JSON.stringify(message)} }`;
    }
    default:
      return unsupported(`a ${def.check} check`);
  }
}

/** The generated module's text, formatted as the repository formats it. */
export async function generatedSpecsSource(): Promise<string> {
  const header = [
    '// Generated by scripts/generate-validators.ts from workflows/message-schemas.ts: do not edit.',
    '// Run `npx tsx scripts/generate-validators.ts` after changing a message schema (a test fails',
    '// while this file is stale). The workflow checks its messages with these (message-check.ts).',
    "import type { Spec } from '../message-check';",
    '',
  ].join('\n');
  const config = await resolveConfig(GENERATED_SPECS_PATH);
  return format(`${header}\n${describeMessages()}\n`, { ...config, filepath: GENERATED_SPECS_PATH });
}

if (require.main === module) {
  generatedSpecsSource()
    .then((source) => writeFile(GENERATED_SPECS_PATH, source))
    .then(() => console.log(`wrote ${path.relative(process.cwd(), GENERATED_SPECS_PATH)}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
