/**
 * Fakes Date alone: the app runs in the test's process and stamps rows with new Date(), so
 * setting the clock scripts exact times through the real API, while timers, I/O and the database
 * drivers keep real time. Undo with jest.useRealTimers().
 */
export function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
