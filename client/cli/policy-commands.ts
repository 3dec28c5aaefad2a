// `refundflow policy list | show <id> | evaluate --policy <id> --input <file|->`: the presets and
// dry runs of evaluate(), with no server and no Temporal. Decisions go to stdout as JSON; bad
// input exits 2 with one line per problem on stderr, naming the field.
import type { Command } from 'commander';
import {
  EvaluationInputSchema,
  PRESET_IDS,
  evaluate,
  formatZodIssues,
  getPreset,
  listPresets,
  type Policy,
} from '../../policies';
import { BadInput, readJson } from './input';

/** Exit code for input the command cannot use (unknown policy, unreadable or invalid input). */
export const EXIT_BAD_INPUT = 2;

function requirePreset(id: string): Policy {
  const policy = getPreset(id);
  if (!policy) throw new BadInput(`policy: unknown policy "${id}" (known: ${PRESET_IDS.join(', ')})`);
  return policy;
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a command body; bad input becomes exit 2 with the message on stderr. */
function guarded<A extends unknown[]>(
  body: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      if (!(error instanceof BadInput)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    }
  };
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('refund policy presets and dry-run evaluation');

  policy
    .command('list')
    .description('list the policy presets')
    .option('--json', 'print JSON instead of a table')
    .action(
      guarded((options: { json?: boolean }) => {
        const presets = listPresets();
        if (options.json)
          return printJson(presets.map(({ id, version, name, summary }) => ({ id, version, name, summary })));
        const width = Math.max(...presets.map((p) => p.id.length));
        for (const p of presets) process.stdout.write(`${p.id.padEnd(width)}  v${p.version}  ${p.name}\n`);
      }),
    );

  policy
    .command('show')
    .description('print a policy preset as JSON')
    .argument('<id>', `preset id (${PRESET_IDS.join(', ')})`)
    .action(guarded((id: string) => printJson(requirePreset(id))));

  policy
    .command('evaluate')
    .description('evaluate a refund request against a policy and print the decision as JSON')
    .requiredOption('--policy <id>', 'preset id')
    .requiredOption('--input <file>', 'evaluation input as JSON (a file path, or - for stdin)')
    .action(
      guarded(async (options: { policy: string; input: string }) => {
        const selected = requirePreset(options.policy);
        const raw = await readJson(options.input, 'input');
        const parsed = EvaluationInputSchema.safeParse(raw);
        if (!parsed.success) throw new BadInput(formatZodIssues(parsed.error, raw).join('\n'));
        printJson(evaluate(selected, parsed.data));
      }),
    );
}
