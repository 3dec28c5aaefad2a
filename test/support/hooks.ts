import { Runtime, DefaultLogger } from '@temporalio/worker';
import { resetTimeSkippingEnv, teardownServers } from './servers';

// Workers log every poll error at WARN while a server shuts down; tests only want errors.
Runtime.install({ logger: new DefaultLogger('ERROR') });

let lastFile: string | undefined;

export const mochaHooks = {
  // One time-skipping server per test file (started on first use), so no file inherits another's
  // outstanding work.
  async beforeEach(this: Mocha.Context): Promise<void> {
    const file = this.currentTest?.file;
    if (file === lastFile) return;
    lastFile = file;
    await resetTimeSkippingEnv();
  },
  async afterAll(): Promise<void> {
    await teardownServers();
  },
};
