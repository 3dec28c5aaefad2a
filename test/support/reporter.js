'use strict';
// Mocha's spec reporter plus the plain closing line `N passed, N failed` that CI reads.
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures } = this.stats;
      // After the spec summary, so it is the last line printed.
      process.nextTick(() => process.stdout.write(`${passes} passed, ${failures} failed\n`));
    });
  }
}

module.exports = SpecWithTotals;
