import perfHooks from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { collectStoppableDefaultMetrics } from './default-metrics';

/** Garbage enough for several young-generation collections, then time for their entries. */
async function collectGarbage(): Promise<void> {
  let keep: number[][] = [];
  for (let i = 0; i < 200_000; i++) {
    keep.push(new Array(64).fill(i));
    if (keep.length > 1000) keep = [];
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

async function gcCount(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('nodejs_gc_duration_seconds')!.get();
  // A histogram's values carry the series they belong to (_bucket, _sum, _count).
  return (metric.values as Array<{ metricName?: string; value: number }>)
    .filter((v) => v.metricName === 'nodejs_gc_duration_seconds_count')
    .reduce((sum, v) => sum + v.value, 0);
}

describe(collectStoppableDefaultMetrics.name, () => {
  it('registers the default metrics, and after stop no longer observes collections', async () => {
    const registry = new Registry();
    const stop = collectStoppableDefaultMetrics(registry);
    try {
      expect(registry.getSingleMetric('nodejs_eventloop_lag_p99_seconds')).toBeDefined();
      await collectGarbage();
      const observed = await gcCount(registry);
      expect(observed).toBeGreaterThan(0);

      stop();
      await collectGarbage();
      expect(await gcCount(registry)).toBe(observed);
    } finally {
      stop();
    }
  });

  it('leaves perf_hooks as it found it', () => {
    const { PerformanceObserver, monitorEventLoopDelay } = perfHooks;
    collectStoppableDefaultMetrics(new Registry())();
    expect(perfHooks.PerformanceObserver).toBe(PerformanceObserver);
    expect(perfHooks.monitorEventLoopDelay).toBe(monitorEventLoopDelay);
  });

  it('disables the event-loop delay histogram it enabled', () => {
    const disable = jest.spyOn(
      Object.getPrototypeOf(perfHooks.monitorEventLoopDelay()) as perfHooks.IntervalHistogram,
      'disable',
    );
    collectStoppableDefaultMetrics(new Registry())();
    expect(disable).toHaveBeenCalledTimes(1);
    disable.mockRestore();
  });
});
