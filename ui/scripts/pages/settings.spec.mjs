// Settings: what the backend says about the app.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';

test('settings shows the version and log folder from the backend', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('app-version').filter({ hasText: '0.0.0-pages' }).waitFor();
  await page.getByTestId('log-dir').filter({ hasText: '/home/user/.local/state/pfrm/logs' }).waitFor();
  await page.getByRole('button', { name: 'Open logs folder' }).click();
  check((await page.getByTestId('error-message').count()) === 0, 'opening the logs folder should not fail');
  await page.screenshot({ path: join(SHOTS, 'settings-light.png') });
});

test('app update: Check for updates offers the new version and installs only on a second click', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Check for updates' }).click();
  await page.getByText('Version 0.2.0 is available; you have 0.1.0.', { exact: false }).waitFor();
  const install = page.getByRole('button', { name: 'Install version 0.2.0 and restart' });
  check(await install.isVisible(), 'the install button names the version');
  await page.getByTestId('app-update').screenshot({ path: join(SHOTS, 'settings-app-update-light.png') });
});
