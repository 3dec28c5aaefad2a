// The smallest workflow the SDK can bundle, to compare the refund bundle's size against.
export async function trivial(): Promise<string> {
  return 'done';
}
