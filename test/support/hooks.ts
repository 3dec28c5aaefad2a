import { Runtime, DefaultLogger } from '@temporalio/worker';
import { teardownServers } from './servers';

// Workers log every poll error at WARN while a server shuts down; tests only want errors.
Runtime.install({ logger: new DefaultLogger('ERROR') });

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await teardownServers();
  },
};
