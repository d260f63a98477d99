import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

describe(PeriodicTask.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const logger = { warn: jest.fn() } as unknown as Logger;

  it('runs a pass every interval, never two at once, and logs a failure', async () => {
    let release: () => void = () => {};
    let passes = 0;
    const task = new PeriodicTask(logger, 'test pass', () => {
      passes++;
      if (passes === 2) return Promise.reject(new Error('boom'));
      return new Promise<void>((resolve) => (release = resolve));
    });
    task.start(100);
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(1);
    await jest.advanceTimersByTimeAsync(300); // the first pass still runs: no second one
    expect(passes).toBe(1);
    release();
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith('test pass failed: Error: boom');
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(3);
    release();
    await task.stop();
    await jest.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(3);
  });

  it('never runs with an interval of 0', async () => {
    const pass = jest.fn(() => Promise.resolve());
    const task = new PeriodicTask(logger, 'off', pass);
    task.start(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(pass).not.toHaveBeenCalled();
    await task.stop();
  });
});
