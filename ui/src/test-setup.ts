import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// happy-dom's Web Animations reject each animation's `finished` promise when it is cancelled,
// with nobody listening (Fluent UI listens to `oncancel` instead), which Vitest reports as
// unhandled errors when a dialog closes. Without `animate`, Fluent's motion takes its
// no-animation path, as it does in any environment without the Web Animations API.
delete (Element.prototype as { animate?: unknown }).animate;

afterEach(() => cleanup());
