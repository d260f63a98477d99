import perfHooks from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default metrics, with the teardown the library lacks (prometheus/client_js
 * issues 494 and 500): its GC metric subscribes a PerformanceObserver and its event-loop lag
 * enables a monitorEventLoopDelay histogram (sampling every 10 ms), and neither is ever undone.
 * One app per process never notices; every app closed in a longer-lived process (the e2e suite
 * starts hundreds) would leave both running, and the observer keeps the app reachable for ever.
 *
 * Returns a stop function. The two perf_hooks factories are wrapped only for the synchronous call
 * that creates them, to learn which observer and histogram are this registry's.
 */
export function collectStoppableDefaultMetrics(registry: Registry): () => void {
  const observers: perfHooks.PerformanceObserver[] = [];
  const histograms: perfHooks.IntervalHistogram[] = [];
  const { PerformanceObserver, monitorEventLoopDelay } = perfHooks;
  const hooks = perfHooks as { -readonly [K in keyof typeof perfHooks]: (typeof perfHooks)[K] };
  hooks.PerformanceObserver = class extends PerformanceObserver {
    constructor(callback: perfHooks.PerformanceObserverCallback) {
      super(callback);
      observers.push(this);
    }
  };
  hooks.monitorEventLoopDelay = (options) => {
    const histogram = monitorEventLoopDelay(options);
    histograms.push(histogram);
    return histogram;
  };
  try {
    collectDefaultMetrics({ register: registry });
  } finally {
    hooks.PerformanceObserver = PerformanceObserver;
    hooks.monitorEventLoopDelay = monitorEventLoopDelay;
  }
  return () => {
    for (const observer of observers.splice(0)) observer.disconnect();
    for (const histogram of histograms.splice(0)) histogram.disable();
  };
}
