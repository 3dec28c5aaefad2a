// Probe: a sleeper with full zod evaluated (what the messages used before zod/mini).
import { z } from 'zod';
export const probe = z.object({ a: z.string() });
export { sleeper } from '../sleeper-workflow';
