// Probe: a sleeper with zod/mini evaluated (and its English messages set), nothing else.
import { z } from 'zod/mini';
z.config(z.locales.en());
export { z };
export { sleeper } from '../sleeper-workflow';
