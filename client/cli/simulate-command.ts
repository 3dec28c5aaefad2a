// `refundflow case simulate --input <file|->`: runs scenarios through the real refund case on the
// time-skipping test server and prints the results as JSON. Exit 0 whatever the cases did; 2 on a
// bad scenario (the field named, nothing run); 1 when the simulation cannot run.
import type { Command } from 'commander';
import {
  CannotRunError,
  ScenarioInputError,
  assertTestServerBuilt,
  parseScenarios,
  simulate,
} from '../simulate';
import { readJson } from './input';
import { EXIT_BAD_INPUT } from './policy-commands';

const EXIT_CANNOT_RUN = 1;

/** Worker and SDK logs go to stderr at error level only: stdout carries the JSON result. */
async function quietRuntime(): Promise<void> {
  const { DefaultLogger, Runtime, makeTelemetryFilterString } = await import('@temporalio/worker');
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR', (entry) =>
        process.stderr.write(`${entry.level} ${entry.message}\n`),
      ),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
    });
  } catch {
    // A runtime is already installed (the command runs inside another program): keep it.
  }
}

export function registerSimulateCommand(group: Command): void {
  group
    .command('simulate')
    .description(
      "run refund cases' whole lives on the time-skipping test server and print what happened (JSON)",
    )
    .requiredOption(
      '--input <file>',
      'one scenario or an array of scenarios as JSON (a file path, or - for stdin)',
    )
    .action(async (options: { input: string }) => {
      try {
        const { scenarios, batch } = parseScenarios(
          await readJson(options.input, 'input', (message) => new ScenarioInputError([message])),
        );
        // Before the Temporal runtime exists: its threads would keep a failed command alive.
        assertTestServerBuilt();
        await quietRuntime();
        const results = await simulate(scenarios);
        process.stdout.write(`${JSON.stringify(batch ? results : results[0], null, 2)}\n`);
      } catch (error) {
        if (error instanceof ScenarioInputError) {
          process.stderr.write(`${error.message}\n`);
          process.exitCode = EXIT_BAD_INPUT;
        } else if (error instanceof CannotRunError) {
          process.stderr.write(`cannot simulate: ${error.message}\n`);
          process.exitCode = EXIT_CANNOT_RUN;
        } else throw error;
      }
    });
}
