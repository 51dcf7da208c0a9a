import { useEffect, useState } from 'react';

/** The time now (ms since the epoch), ticking once a second while `running`, so elapsed times
 * advance between progress reports. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  return now;
}
