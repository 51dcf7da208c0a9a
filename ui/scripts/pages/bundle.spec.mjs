// The production bundle: no page-test mock code in it.
import { test, check, PAGES, PRODUCTION, MOCK_MARKERS, bundleText } from './harness.mjs';

test('production bundle carries no IPC mock', async () => {
  const production = bundleText(PRODUCTION);
  const pages = bundleText(PAGES);
  for (const marker of MOCK_MARKERS) {
    check(pages.includes(marker), `the page-test bundle should contain the mock marker ${marker}`);
    check(!production.includes(marker), `the production bundle contains mock code (${marker})`);
  }
  check(!production.includes('__TAURI_INTERNALS__.invoke=') , 'the production bundle overrides Tauri IPC');
});
