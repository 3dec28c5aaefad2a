// The refundflow command line (entry: bin/refundflow.js). Each command group registers itself
// from its own module, so case commands can join the policy commands without touching this file.
import { Command, CommanderError } from 'commander';
import { registerCaseCommands } from './case-commands';
import { registerLedgerCommands } from './ledger-command';
import { EXIT_BAD_INPUT, registerPolicyCommands } from './policy-commands';

const program = new Command('refundflow')
  .description('Refundflow: refund cases on Temporal')
  .showHelpAfterError()
  // Usage errors (unknown command, missing option) are bad input too: exit 2, not commander's 1.
  .exitOverride();
registerPolicyCommands(program);
registerCaseCommands(program);
registerLedgerCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    return;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
