// Workflow entry point for the worker bundle.
export { refundCase } from './refund-case';
export { lateCaseEvents } from './late-events';
export { incidentFanOut } from './incident-fan-out';
