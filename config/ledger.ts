// Where the case ledger lives (ledger/store.ts). The embedded stack keeps it as a SQLite file in
// the data folder; with REFUNDFLOW_DATABASE_URL set (the cluster and compose deployments, the same
// database as the SMTP sent-log) every worker and the API share it in PostgreSQL.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { LedgerLocation } from '../ledger/store';
import { postgresUrl } from './fields';

export const ledgerSchema = z
  .object({
    REFUNDFLOW_DATA_DIR: z.string().default('./data'),
    REFUNDFLOW_DATABASE_URL: postgresUrl.optional(),
  })
  .transform((env): LedgerLocation =>
    env.REFUNDFLOW_DATABASE_URL
      ? { kind: 'postgres', url: env.REFUNDFLOW_DATABASE_URL }
      : { kind: 'sqlite', file: join(resolve(env.REFUNDFLOW_DATA_DIR), 'ledger.sqlite') },
  );
