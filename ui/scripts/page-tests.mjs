// Page tests: the built UI (dist-pages, IPC answered by the fake backend) in headless Chromium,
// plus a check that the production bundle (dist) carries no mock code.
// Run with `npm run test:pages` after `npm run build` and `npm run build:pages`.
// The harness is scripts/pages/harness.mjs; each page's tests are in scripts/pages/<page>.spec.mjs.
import { runAll } from './pages/harness.mjs';
import './pages/bundle.spec.mjs';
import './pages/app.spec.mjs';
import './pages/settings.spec.mjs';
import './pages/runtimes.spec.mjs';
import './pages/permissions.spec.mjs';
import './pages/session.spec.mjs';
import './pages/activity.spec.mjs';
import './pages/updates.spec.mjs';
import './pages/inventory.spec.mjs';
import './pages/focus.spec.mjs';
import './pages/keyboard.spec.mjs';
import './pages/zoom.spec.mjs';
import './pages/links.spec.mjs';

await runAll();
