// The production bundle: no page-test mock code in it.
import { createRequire } from 'node:module';
import { test, check, PAGES, PRODUCTION, MOCK_MARKERS, bundleText } from './harness.mjs';
import { tokensModule } from '../css-variable-tokens.mjs';

test('production bundle carries no IPC mock', async () => {
  const production = bundleText(PRODUCTION);
  const pages = bundleText(PAGES);
  for (const marker of MOCK_MARKERS) {
    check(pages.includes(marker), `the page-test bundle should contain the mock marker ${marker}`);
    check(!production.includes(marker), `the production bundle contains mock code (${marker})`);
  }
  check(!production.includes('__TAURI_INTERNALS__.invoke=') , 'the production bundle overrides Tauri IPC');
});

test("the built UI's stand-in for Fluent's tokens answers every token as Fluent does", async () => {
  const { tokens: fluent } = createRequire(import.meta.url)('@fluentui/tokens');
  const { tokens: standIn } = await import(`data:text/javascript,${encodeURIComponent(tokensModule())}`);
  const names = Object.keys(fluent);
  check(names.length > 400, `Fluent has its tokens (${names.length})`);
  const wrong = names.filter((name) => standIn[name] !== fluent[name]);
  check(wrong.length === 0, `the stand-in answers differently for ${wrong.map((name) => `${name}: ${standIn[name]} (Fluent: ${fluent[name]})`).join(', ')}`);
  check(bundleText(PRODUCTION).includes('new Proxy({},{get:'), 'the production bundle carries the stand-in');
});
