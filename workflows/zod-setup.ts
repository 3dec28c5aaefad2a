// zod/mini sets no error messages until a locale is given (full zod sets English by itself): the
// message schemas (workflows/message-schemas.ts) import this module, so the API's and the
// client's refusals are in English. The workflow never evaluates it: its checks
// (workflows/message-check.ts) carry zod's English words themselves.
import { z } from 'zod/mini';

z.config(z.locales.en());
