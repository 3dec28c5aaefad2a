// Observability for the worker process: the SDK runtime's Prometheus endpoint and one stream of
// JSON log lines. The SDK attaches workflow and activity context (workflowId, runId, activityType
// …) to every line logged through workflow.log, activity log and its own lifecycle messages; the
// workflow id is the case id, so it is lifted into `caseId` to make "everything about this case"
// a single filter in any log store.
import type pino from 'pino';
import {
  LogTimestamp,
  Runtime,
  type Logger as SdkLogger,
  type LogLevel as SdkLogLevel,
  type LogMetadata,
} from '@temporalio/worker';
import type { LogLevel, ProcessConfig } from '../config';
import { createLogger } from '../config/logger';

const PINO_LEVEL: Record<SdkLogLevel, LogLevel> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};
const SDK_LEVEL: Record<LogLevel, SdkLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/** The process's JSON logger (config/logger.ts) stamped with the time each event happened. */
export function createWorkerLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  return createLogger(level, destination, {
    // The time an event happened, not the time it was written: the SDK forwards core's lines in
    // batches (up to 100 ms late) and stamps each with LogTimestamp (ns since the epoch).
    timestamp: false,
    mixin: (fields: object) => {
      const nanos = (fields as Record<symbol, unknown>)[LogTimestamp];
      return {
        time: new Date(typeof nanos === 'bigint' ? Number(nanos / 1_000_000n) : Date.now()).toISOString(),
      };
    },
  });
}

/** The SDK's Logger interface over pino, adding `caseId` wherever the SDK knows the workflow id. */
export class CaseLogger implements SdkLogger {
  constructor(private readonly logger: pino.Logger) {}

  log(level: SdkLogLevel, message: string, meta: LogMetadata = {}): void {
    // Spread keeps the LogTimestamp symbol for the mixin; JSON output drops symbol keys.
    const fields: Record<string, unknown> = { ...meta };
    if (typeof fields.workflowId === 'string') fields.caseId = fields.workflowId;
    this.logger[PINO_LEVEL[level]](fields, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** The bind address for the SDK's Prometheus exporter, or undefined when it is off (port 0). */
export function metricsBindAddress(port: number): string | undefined {
  // All interfaces: in a container the scraper comes from outside.
  return port === 0 ? undefined : `0.0.0.0:${port}`;
}

/**
 * Installs the SDK Runtime once per process, before any connection or worker is created (the
 * SDK allows exactly one). Returns the logger for the process's own messages. By default the
 * Runtime shuts workers down on SIGINT/SIGTERM; the embedded stack passes `shutdownSignals: []`
 * to order its own shutdown (API first, then the worker, then the Temporal server).
 */
export function installTelemetry(
  settings: ProcessConfig,
  destination?: pino.DestinationStream,
  options: { shutdownSignals?: NodeJS.Signals[] } = {},
): pino.Logger {
  const logger = createWorkerLogger(settings.logLevel, destination);
  const bindAddress = metricsBindAddress(settings.metricsPort);
  Runtime.install({
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    logger: new CaseLogger(logger),
    telemetryOptions: {
      // Core's own lines go through the same JSON logger instead of straight to stderr.
      logging: { filter: { core: SDK_LEVEL[settings.logLevel], other: 'ERROR' }, forward: {} },
      ...(bindAddress ? { metrics: { prometheus: { bindAddress } } } : {}),
    },
  });
  return logger;
}
