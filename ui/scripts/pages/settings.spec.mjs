// Settings: what the backend says about the app.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';

test('settings shows the version and log folder from the backend', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('app-version').filter({ hasText: '0.0.0-pages' }).waitFor();
  await page.getByTestId('log-dir').filter({ hasText: '/home/alex/.local/state/pfrm/logs' }).waitFor();
  await page.getByRole('button', { name: 'Open logs folder' }).click();
  check((await page.getByTestId('error-message').count()) === 0, 'opening the logs folder should not fail');
  await page.screenshot({ path: join(SHOTS, 'settings-light.png') });
});

test('app update: Check for updates offers the new version and installs only on a second click', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Check for updates' }).click();
  await page.getByText('Version 0.2.0 is available; you have 0.0.0-pages.', { exact: false }).waitFor();
  const install = page.getByRole('button', { name: 'Install version 0.2.0 and restart' });
  check(await install.isVisible(), 'the install button names the version');
  await page.getByTestId('app-update').screenshot({ path: join(SHOTS, 'settings-app-update-light.png') });
});

test('diagnostics bundle: the files, their sizes and what was taken out are listed before saving; a bad path is explained; then the path and Show in folder', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Create diagnostics bundle…' }).click();
  const rows = page.getByTestId('diagnostics-file');
  await rows.first().waitFor();
  // The manifest, the preflight report of the workspace used last, the operations (none in
  // flight) and the day's log; the app's log writer took its secrets out already.
  check((await rows.count()) === 4, `every file of the bundle is listed, found ${await rows.count()}`);
  const preflight = await page.locator("[data-testid='diagnostics-file'][data-name='preflight.json']").innerText();
  check(preflight.includes('5.8 KB') && preflight.includes('nothing'), `size and redactions shown: ${preflight}`);
  const log = await page.locator("[data-testid='diagnostics-file'][data-name='logs/pfrm.2026-12-06.log']").innerText();
  check(log.includes('397 bytes'), `the log's size shown: ${log}`);
  const path = page.getByTestId('diagnostics-path');
  check((await path.inputValue()) === '/home/alex/Downloads/pfrm-diagnostics-6f1c2d3e.zip', 'the Downloads folder is suggested');
  await page.getByTestId('diagnostics').screenshot({ path: join(SHOTS, 'settings-diagnostics-list-light.png') });
  await path.fill('bundle.zip');
  await page.getByRole('button', { name: 'Save bundle' }).click();
  await page.getByTestId('error-message').filter({ hasText: 'is not a full path' }).waitFor();
  await path.fill('/home/alex/Downloads/pfrm-diagnostics-6f1c2d3e.zip');
  await page.getByRole('button', { name: 'Save bundle' }).click();
  await page.getByTestId('diagnostics-saved').filter({ hasText: 'Saved to /home/alex/Downloads/pfrm-diagnostics-6f1c2d3e.zip' }).waitFor();
  await page.getByRole('button', { name: 'Show in folder' }).click();
  check((await page.getByTestId('error-message').count()) === 0, 'showing the folder should not fail');
});

test('diagnostics bundle: Choose… puts the path picked in the system dialog into the field', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Create diagnostics bundle…' }).click();
  const path = page.getByTestId('diagnostics-path');
  await path.waitFor();
  await path.fill('support.zip');
  await page.getByRole('button', { name: 'Choose…' }).click();
  await page.waitForFunction(() => document.querySelector("[data-testid='diagnostics-path']")?.value === '/home/alex/Downloads/support.zip');
});
