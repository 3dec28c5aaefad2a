// The sleeper in the refund case's bundle: the floor as the bench measured it before (an entry that
// also exported refundCase). The SDK evaluates a bundle's user modules for every workflow, so this
// sleeper pays for the case's module graph (zod, the policies, the message schemas) without running it.
export { refundCase } from '../../workflows';
export { sleeper } from './sleeper-workflow';
