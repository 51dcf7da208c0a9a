import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// waitFor and findBy* poll for their condition for one second by default. A Fluent page in
// happy-dom takes about a second to render on a quiet 2-core machine and several on a busy one, so
// tests timed out (Permissions, Runtimes) while the page was still on its way to the right state.
// They wait for the same conditions, for as long as a step of the real-window tests (15 s); a test
// whose condition never comes still fails, just later, inside Vitest's 30 s per test.
configure({ asyncUtilTimeout: 15_000 });

// happy-dom's Web Animations reject each animation's `finished` promise when it is cancelled,
// with nobody listening (Fluent UI listens to `oncancel` instead), which Vitest reports as
// unhandled errors when a dialog closes. Without `animate`, Fluent's motion takes its
// no-animation path, as it does in any environment without the Web Animations API.
delete (Element.prototype as { animate?: unknown }).animate;

afterEach(() => cleanup());
