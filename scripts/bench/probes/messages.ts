// Probe: a sleeper with the case's message definitions evaluated (zod/mini schemas).
export * as messages from '../../../workflows/messages';
export { sleeper } from '../sleeper-workflow';
