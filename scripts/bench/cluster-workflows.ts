// The cluster benchmark's one bundle: its worker process runs refund cases and the baseline side by
// side on one task queue, as when docs/BENCHMARKS.md's cluster table was first measured
// (baseline-workflows.ts stopped re-exporting refundCase for `npm run bench`'s own floors).
export { refundCase } from '../../workflows';
export * from './baseline-workflows';
