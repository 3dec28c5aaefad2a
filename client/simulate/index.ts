// The case simulator: `refundflow case simulate` (DESIGN.md "Case simulation").
export {
  parseScenarios,
  ScenarioInputError,
  ScenarioSchema,
  EVENT_TYPES,
  PORT_OPERATIONS,
  type Scenario,
  type ScenarioInput,
} from './scenario';
export { simulate, DEFAULT_CUSTOMER_EMAIL, type SimulateOptions, type Timings } from './runner';
export {
  CannotRunError,
  SETUP_COMMAND,
  assertTestServerBuilt,
  startTestServer,
  simulatorBundle,
} from './server';
export { CYCLE_MS, Frame } from './frame';
export type { ScenarioResult } from './result';
