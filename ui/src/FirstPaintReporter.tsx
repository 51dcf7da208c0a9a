import { useLayoutEffect } from 'react';
import { backend } from './backend';

let reported = false;

/**
 * Tells the backend when the first screen has been painted and takes input; the start-up
 * benchmark reads that moment. Rendered after `<App />`, its layout effect runs as soon as React
 * has put the whole first screen into the page, before the browser can paint: the next animation
 * frame paints it, and the one after begins once that paint is done. Frames counted from
 * `render()` instead would end before the first screen is painted whenever React commits after
 * them (measured: half the launches reported ~0.8 s early); a passive effect may run a frame late.
 */
export function FirstPaintReporter() {
  useLayoutEffect(() => {
    // Once per page: React's development mode runs effects twice.
    if (reported) return;
    reported = true;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        backend.frontendReady().catch(() => undefined);
      }),
    );
  }, []);
  return null;
}
