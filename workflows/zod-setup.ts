// zod/mini sets no error messages until a locale is given (full zod sets English by itself).
// The worker preloads this module (SHARED_WORKFLOW_MODULES in client/data-converter.ts): it runs
// once, before any workflow, in the scope every workflow shares — where zod's own state lives —
// and that scope is frozen afterwards, so no workflow may set zod's configuration again.
import { z } from 'zod/mini';

z.config(z.locales.en());
