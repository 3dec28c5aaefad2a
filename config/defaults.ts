// Defaults more than one process must agree on, in a module with no dependencies: the client
// library imports it without loading the configuration schema.

/** The task queue the worker polls and the client starts cases on, unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'refund-cases';
