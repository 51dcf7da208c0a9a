// Links open in the system browser through the app (which allows only https Azure and
// documentation addresses, tested in crates/core/src/links.rs); the window never navigates away.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { openResearch, openRuntime } from './helpers.mjs';

test('the studio link opens in the browser, and the window stays on the app', async ({ page, base }) => {
  await openResearch(page, base);
  await openRuntime(page, 'rt-default');
  const link = page.getByTestId('studio-link');
  const href = await link.getAttribute('href');
  check(href?.startsWith('https://ml.azure.com/'), `the studio link points at the studio: ${href}`);
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (window.pfrmOpenedLinks ?? []).length > 0);
  const opened = await page.evaluate(() => window.pfrmOpenedLinks);
  check(opened.length === 1 && opened[0] === href, `the app was asked to open ${opened}`);
  check(page.url().startsWith(base), `the window stays on the app, it is on ${page.url()}`);
  await page.getByTestId('studio-link').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'runtime-details-studio-link-light.png') });
});
