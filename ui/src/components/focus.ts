import { useEffect, useRef } from 'react';

/**
 * A ref whose element takes keyboard focus when it first appears, so keyboard and screen-reader
 * users land on new content (a view that opened, an operation that started) instead of the page
 * body. The element needs tabIndex -1 unless it is a control.
 */
export function useFocusOnMount<T extends HTMLElement>(enabled = true) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, [enabled]);
  return ref;
}

/**
 * Focuses the element `selector` finds as soon as it is in the page: the view that holds it may
 * render a few frames later (a list that reloads, a page that loads lazily). Gives up after
 * `timeoutMs`.
 */
export function focusWhenShown(selector: string, timeoutMs = 3000): void {
  const started = performance.now();
  const attempt = () => {
    const element = document.querySelector<HTMLElement>(selector);
    if (element) {
      element.focus();
      return;
    }
    if (performance.now() - started < timeoutMs) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/** A selector for the element with this test id (test ids are the app's stable handles). */
export function byTestId(testId: string, within?: string): string {
  const own = `[data-testid="${CSS.escape(testId)}"]`;
  return within ? `[data-testid="${CSS.escape(within)}"] ${own}` : own;
}
