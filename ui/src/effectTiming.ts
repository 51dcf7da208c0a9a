import { options } from 'preact';

// The UI renders with Preact (see vite.config.ts). Preact runs useEffect callbacks a frame after
// a render; React runs those of a click or key press before the browser takes the next input.
// Fluent moves focus into a dialog, a menu or a panel in such effects, so with Preact's default a
// key pressed right after a click (Escape as a dialog opens) could reach the old element. Effects
// run once the render has committed instead, before the next input, as with React.
options.requestAnimationFrame = (flush) => queueMicrotask(flush);
