import { useEffect, useState } from 'preact/hooks';

/**
 * The time now, redrawn every second while `running` (a countdown on screen); no request is made.
 * Stopped, nothing ticks: an idle board stays idle.
 */
export function useClock(running: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [running, everyMs]);
  return now;
}
