// The one logger factory: JSON lines with level names, errors serialised, and credentials never
// written, for every process (worker, API, stack, CLI tools). The worker adds its own `mixin`
// (the time an SDK event happened); everything else stays the same on both sides.
import pino from 'pino';

/** Header paths that carry credentials; censored whatever a serializer adds. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers["refundflow-signature"]',
  'headers.authorization',
];

export interface LoggerOptions {
  /** Extra fields on every line (see pino's `mixin`). */
  mixin?: pino.LoggerOptions['mixin'];
  /** Leave out pino's own `time` (a mixin supplies one). */
  timestamp?: false;
}

/** A JSON logger at `level`; `destination` is for tests (stdout otherwise). */
export function createLogger(
  level: string = 'info',
  destination?: pino.DestinationStream,
  extra: LoggerOptions = {},
): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACTED, censor: '[redacted]' },
    // Level names, not numbers: log stores and people both read "warn" more easily than 40.
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    ...(extra.mixin ? { mixin: extra.mixin } : {}),
    ...(extra.timestamp === false ? { timestamp: false } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
