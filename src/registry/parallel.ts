/**
 * Runs `fn` over `items` with at most `limit` at a time; results keep the items' order.
 *
 * On the first failure no new item starts, `signal` (the third argument of `fn`) aborts with that
 * error so work under way can stop early (a blob copy closes its connections), and mapLimit rejects
 * with it only once every call under way has settled: nothing keeps running after it returned (a
 * copy left behind would hold the process open, or write on after the caller closed its clients).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const abort = new AbortController();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index, abort.signal);
      } catch (err) {
        if (!failure) {
          failure = { error: err };
          abort.abort(err);
        }
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure) throw failure.error;
  return results;
}
