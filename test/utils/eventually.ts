/**
 * The one polling helper of the tests: retries `check` until it returns anything but `false`
 * without throwing, for up to `timeoutMs`; then fails with the last error, or with "timed out
 * waiting for <what>". For state that settles on its own (a delivery, a page, a process).
 */
export async function eventually(
  check: () => unknown,
  timeoutMs = 15000,
  what = 'condition',
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      if ((await check()) !== false) return;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      if (failure instanceof Error) throw failure;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
