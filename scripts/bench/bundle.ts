// Bundle sizes: every entry bundled on its own with the options `npm run build` uses (the failure
// converter, a source map without sources), so the ratios compare workflow code only.
import { bundleEntry, round } from './support';

export async function measureBundles(): Promise<Record<string, unknown>> {
  const bytesOf = async (entry: string, floor = true) =>
    (await bundleEntry(require.resolve(entry), { floor })).code.length;
  const bytes = {
    refund: await bytesOf('../../workflows', false),
    baseline: await bytesOf('./baseline-workflows'),
    sleeper: await bytesOf('./sleeper-workflow'),
    trivial: await bytesOf('./trivial-workflow'),
  };
  return { bytes, ratioRefundToTrivial: round(bytes.refund / bytes.trivial) };
}
