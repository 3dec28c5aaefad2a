// Probe: a sleeper with the policy modules the case uses evaluated (evaluate, clocks, calendar with luxon, money).
export * as evaluate from '../../../policies/evaluate';
export * as clocks from '../../../policies/clocks';
export { sleeper } from '../sleeper-workflow';
