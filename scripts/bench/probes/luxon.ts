// Probe: a sleeper with luxon evaluated.
export { DateTime } from 'luxon';
export { sleeper } from '../sleeper-workflow';
