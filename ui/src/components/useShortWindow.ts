import { useSyncExternalStore } from 'react';
import { makeStyles } from '@fluentui/react-components';

/**
 * Below this height (CSS pixels: the smallest window, 720×480, or a taller one zoomed in) the
 * banners above every page fold to one line each, so the page itself starts on the first screen.
 */
export const SHORT_WINDOW_QUERY = '(max-height: 600px)';

function subscribe(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined;
  const query = window.matchMedia(SHORT_WINDOW_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Whether the window is short enough for folded banners, kept current as it resizes. */
export function useShortWindow(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => typeof window.matchMedia === 'function' && window.matchMedia(SHORT_WINDOW_QUERY).matches,
    () => false,
  );
}

/**
 * A banner folded to one line: Fluent's one-line layout keeps its text from wrapping, which would
 * push the buttons out of the bar in a narrow window; here the text wraps beside them instead.
 */
export const useFoldedBannerStyles = makeStyles({
  folded: { whiteSpace: 'normal' },
});
