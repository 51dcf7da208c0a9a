// Versions and updates: badges, the nav's count, the banner, Check version, Update (default and
// custom environment, cancel), Update all, and the opt-in start-up check.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { RESEARCH_ID, openResearch, openRuntime } from './helpers.mjs';

async function backToList(page) {
  await page.getByTestId('details-back').click();
  await page.getByTestId('runtime-list').waitFor();
}

const badgeCount = async (page, name) => page.getByTestId(`runtime-row-${name}`).getByTestId('update-badge').count();

test('outdated runtimes get a badge and a count in the navigation; details show the banner, which source says what, and Check version', async ({ page, base }) => {
  await openResearch(page, base);
  await page.getByTestId('versions-summary').filter({ hasText: '3 of these runtimes can be updated.' }).waitFor();
  for (const name of ['rt-default', 'rt-old', 'rt-custom']) check((await badgeCount(page, name)) === 1, `${name} shows Update available`);
  check((await badgeCount(page, 'rt-fresh')) === 0, 'the newest runtime has no badge');
  check((await badgeCount(page, 'rt-preview')) === 0, 'no update is offered where the service says none is needed');
  // Each outdated row has its own Update button; the list reads versions as the details do.
  check((await page.getByTestId('runtime-row-rt-default').getByTestId('row-update').count()) === 1, 'an outdated row has an Update button');
  check((await page.getByTestId('runtime-row-rt-preview').getByTestId('row-update').count()) === 0, 'no Update button where none is offered');
  const listed = await page.getByTestId('runtime-row-rt-default').getByTestId('runtime-version').textContent();
  check(listed === '2024-01-11 (v2)', `the list reads the version ${listed}`);
  const badge = await page.getByTestId('runtime-row-rt-default').getByTestId('update-badge').textContent();
  check(badge === 'Update available', `badge text ${badge}`);
  await page.getByTestId('nav-runtimes-outdated').first().filter({ hasText: '3' }).waitFor();
  const label = await page.getByTestId('nav-runtimes-outdated').first().getAttribute('aria-label');
  check(label === '3 runtimes can be updated', `nav count label ${label}`);
  await page.getByTestId('runtime-list').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'updates-list-light.png') });

  await openRuntime(page, 'rt-default');
  const banner = page.getByTestId('update-banner');
  await banner.getByText('A newer runtime version is available').waitFor();
  await banner.getByTestId('update-banner-current').filter({ hasText: 'rt-default runs version 2024-01-11 (v2), 1060 days old.' }).waitFor();
  await banner.getByTestId('update-banner-latest').filter({ hasText: 'The newest is version 2025-12-11 (v12), 360 days old, the final image: prompt flow runtime images get no more updates' }).waitFor();
  check((await banner.innerText()).includes('Choose Update to move it to the final image.') && !(await banner.innerText()).includes('newest version'), 'the banner offers the final image, not the newest version');
  check((await banner.getByTestId('update-banner-sources').count()) === 0, 'agreeing sources need no explanation');
  const bannerTop = await banner.evaluate((element) => element.getBoundingClientRect().top);
  const headingTop = await page.getByRole('heading', { level: 2, name: 'rt-default' }).evaluate((element) => element.getBoundingClientRect().top);
  check(bannerTop < headingTop, 'the banner is at the top of the page');
  await page.getByTestId('details-version').filter({ hasText: 'version 2024-01-11 (v2), 1060 days old' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'update-banner-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-theme="dark"]').waitFor();
  // Let Fluent's colour transitions finish before the picture.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'update-banner-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await backToList(page);

  await openRuntime(page, 'rt-preview');
  // The registry lists a newer image, the service (which performs updates) says none is needed:
  // no banner offers an update that would fail; the page says why none is offered.
  await page.getByTestId('update-not-offered').filter({ hasText: 'No update is offered for rt-preview: the container registry lists version 2025-12-11 (v12), but the prompt flow service, which performs updates, says none is needed' }).waitFor();
  check((await page.getByTestId('update-banner').count()) === 0, 'no banner offers the refused update');
  await page.screenshot({ path: join(SHOTS, 'update-banner-disagree-light.png') });
  await backToList(page);

  await openRuntime(page, 'rt-fresh');
  await page.getByTestId('details-version').waitFor();
  check((await page.getByTestId('update-banner').count()) === 0, 'no banner on the newest version');
  await page.getByTestId('check-version').click();
  await page.getByTestId('version-up-to-date').filter({ hasText: 'Up to date: rt-fresh runs version 2025-12-11 (v12), the final image.' }).waitFor();
});

test('update with the default environment: one click from the keyboard, progress, a clear result, then the banner and badge go away', async ({ page, base }) => {
  await openResearch(page, base);
  await openRuntime(page, 'rt-default');
  await page.getByTestId('update-banner').waitFor();
  await page.getByTestId('details-update').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('update-dialog');
  await dialog.getByTestId('update-default-body').filter({ hasText: 'newest prompt flow runtime image (version 2025-12-11 (v12))' }).waitFor();
  await dialog.getByTestId('update-default-body').filter({ hasText: 'custom application on ci-rita restarts' }).waitFor();
  check(await dialog.getByRole('radio', { name: /Use default environment/ }).isChecked(), 'the default environment is chosen for a default-environment runtime');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'update-dialog-default-light.png') });
  await dialog.getByTestId('update-confirm').focus();
  await page.keyboard.press('Enter');
  await dialog.getByTestId('update-step-instanceRestarting').and(page.locator('[data-state="current"]')).waitFor();
  check((await dialog.getByTestId('update-step-requested').getAttribute('data-state')) === 'done', 'the request was sent');
  await page.screenshot({ path: join(SHOTS, 'update-progress-light.png') });
  await page.getByTestId('nav-activity-running').first().waitFor();
  await dialog.getByTestId('update-result').filter({ hasText: 'Runtime rt-default was updated and runs version 2025-12-11 (v12).' }).waitFor({ timeout: 15_000 });
  for (const step of ['requested', 'instanceRestarting', 'runtimeStarting', 'verifying']) {
    check((await dialog.getByTestId(`update-step-${step}`).getAttribute('data-state')) === 'done', `${step} is done`);
  }
  await page.getByTestId('update-banner').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(SHOTS, 'update-done-light.png') });
  await dialog.getByTestId('update-close').click();
  await page.getByTestId('details-version').filter({ hasText: 'version 2025-12-11 (v12), 360 days old' }).waitFor();
  await page.getByTestId('runtime-details').getByTestId('update-result').filter({ hasText: 'runs version 2025-12-11 (v12)' }).waitFor();
  await backToList(page);
  await page.getByTestId('versions-summary').filter({ hasText: '2 of these runtimes can be updated.' }).waitFor();
  check((await badgeCount(page, 'rt-default')) === 0, 'the badge is gone after the update');
  await page.getByTestId('nav-runtimes-outdated').first().filter({ hasText: '2' }).waitFor();
});

test('an update can be cancelled and says so; the runtime stays outdated', async ({ page, base }) => {
  await openResearch(page, base);
  await openRuntime(page, 'rt-default');
  await page.getByTestId('details-update').click();
  const dialog = page.getByTestId('update-dialog');
  await dialog.getByTestId('update-confirm').click();
  await dialog.getByTestId('update-step-instanceRestarting').and(page.locator('[data-state="current"]')).waitFor();
  await dialog.getByTestId('update-cancel-operation').click();
  await dialog.getByTestId('update-result').filter({ hasText: 'The update of rt-default was cancelled.' }).waitFor();
  check((await dialog.getByTestId('error-message').count()) === 0, 'cancelling is not shown as an error');
  await dialog.getByTestId('update-close').click();
  await page.getByTestId('update-banner').waitFor();
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByTestId('operation-state').filter({ hasText: 'Cancelled' }).waitFor();
});

test('custom environment: the base image line to rebuild on, a warning for the version in use, then the rebuilt version', async ({ page, base }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openResearch(page, base);
  await openRuntime(page, 'rt-custom');
  await page.getByTestId('update-banner-current').filter({ hasText: 'rt-custom runs custom environment pf-custom:1, which must be rebuilt' }).waitFor();
  await page.getByTestId('details-update').click();
  const dialog = page.getByTestId('update-dialog');
  check(await dialog.getByRole('radio', { name: /custom environment rebuilt/ }).isChecked(), 'the custom path is chosen for a custom-environment runtime');
  const from = dialog.getByTestId('update-from-line');
  await from.filter({ hasText: 'FROM mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v12' }).waitFor();
  await dialog.getByRole('button', { name: 'Copy' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === 'FROM mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v12', `clipboard ${copied}`);
  const picker = dialog.getByTestId('update-environment');
  check((await picker.textContent())?.includes('pf-custom : 3'), 'the newest rebuilt version is offered first');
  await picker.click();
  await page.getByRole('option', { name: 'pf-custom : 1 (in use now)' }).click();
  await dialog.getByTestId('update-older-warning').filter({ hasText: 'is the version the runtime uses now' }).waitFor();
  check(await dialog.getByTestId('update-confirm').isDisabled(), 'the version in use needs a confirmation');
  await dialog.getByTestId('update-allow-older').check();
  check(await dialog.getByTestId('update-confirm').isEnabled(), 'confirmed, it may go on');
  await page.screenshot({ path: join(SHOTS, 'update-dialog-custom-older-light.png') });
  await picker.click();
  await page.getByRole('option', { name: 'pf-custom : 3' }).click();
  await dialog.getByTestId('update-older-warning').waitFor({ state: 'detached' });
  await page.screenshot({ path: join(SHOTS, 'update-dialog-custom-light.png') });
  await dialog.getByTestId('update-confirm').click();
  await dialog.getByTestId('update-result').filter({ hasText: 'Runtime rt-custom was updated and runs environment pf-custom:3.' }).waitFor({ timeout: 15_000 });
  await page.getByTestId('update-banner').waitFor({ state: 'detached' });
  await dialog.getByTestId('update-close').click();
  await page.getByTestId('details-version').filter({ hasText: 'Custom environment pf-custom:3' }).waitFor();
});

test('update all: the confirmation lists what happens, a runtime already updating is left alone, each update shows in Activity, one summary', async ({ page, base }) => {
  // Slow updates: rt-default is still being updated from its details page when Update all starts.
  await openResearch(page, base, '?scenario=slow-updates');
  await openRuntime(page, 'rt-default');
  await page.getByTestId('details-update').click();
  await page.getByTestId('update-confirm').click();
  await page.getByTestId('update-hide').click();
  await page.getByTestId('update-running').waitFor();
  await backToList(page);
  await page.getByTestId('runtime-row-rt-default').getByTestId('updating-badge').waitFor();
  await page.getByTestId('update-all').click();
  const dialog = page.getByTestId('update-all-dialog');
  await dialog.getByText('Update all outdated runtimes in research-ml').waitFor();
  const direct = await dialog.getByTestId('update-all-direct').innerText();
  // Before anything runs, the list says what will happen, not what has happened.
  await dialog.getByText('Will be updated to the final image (1):', { exact: true }).waitFor();
  check(!(await dialog.innerText()).includes('newest version'), 'Update all does not promise newer versions to come');
  check(direct.includes('rt-old: version 2024-06-19 (v2), 900 days old') && !direct.includes('rt-default') && !direct.includes('rt-preview'), `direct list: ${direct}`);
  // The runtime the service says needs no update is left out, with the reason.
  await dialog.getByTestId('update-all-not-needed').filter({ hasText: 'rt-preview: the container registry lists version 2025-12-11 (v12), but the prompt flow service says no update is needed' }).waitFor();
  await dialog.getByTestId('update-all-attention').filter({ hasText: 'rt-custom: environment pf-custom:1' }).waitFor();
  await dialog.getByTestId('update-all-already').filter({ hasText: 'rt-default' }).waitFor();
  // Other workspaces can join: ticking one checks its runtimes and names each runtime's workspace.
  const research = dialog.getByTestId('update-all-workspace-research-ml');
  const contoso = dialog.getByTestId('update-all-workspace-contoso-ml');
  check(await research.isChecked(), 'the workspace on screen is included');
  check(!(await contoso.isChecked()), 'other workspaces are not included until ticked');
  await contoso.check();
  await dialog.getByText('Update all outdated runtimes in 2 workspaces').waitFor();
  await dialog.getByTestId('update-all-direct').filter({ hasText: 'research-ml/rt-old' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'update-all-two-workspaces-light.png') });
  await contoso.uncheck();
  await dialog.getByText('Update all outdated runtimes in research-ml').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'update-all-confirm-light.png') });
  await dialog.getByTestId('update-all-confirm').click();
  await page.getByTestId('update-all-running').waitFor();
  const summary = page.getByTestId('update-all-summary');
  await summary.getByTestId('update-all-headline').filter({ hasText: '1 updated, 0 failed, 1 need attention, 1 already being updated.' }).waitFor({ timeout: 30_000 });
  check((await summary.getByTestId('update-all-item-rt-old').getAttribute('data-outcome')) === 'updated', 'rt-old was updated');
  check((await summary.getByTestId('update-all-item-rt-preview').getAttribute('data-outcome')) === 'notNeeded', 'rt-preview was left out, not failed');
  check((await summary.getByTestId('update-all-item-rt-default').getAttribute('data-outcome')) === 'alreadyUpdating', 'rt-default was not updated twice');
  check((await summary.getByTestId('update-all-item-rt-custom').getAttribute('data-outcome')) === 'needsAttention', 'rt-custom needs attention');
  await summary.getByTestId('update-all-from-line').filter({ hasText: 'FROM mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v12' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'update-all-summary-light.png'), fullPage: true });
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByTestId('activity').getByText('Update runtime rt-old to the newest image').waitFor();
  // The details page's update ends on its own; Activity shows it once.
  await page.locator('[data-state="succeeded"]').filter({ hasText: 'Update runtime rt-default to the newest image' }).waitFor({ timeout: 30_000 });
  const defaults = await page.getByTestId('operation-title').filter({ hasText: 'Update runtime rt-default' }).count();
  check(defaults === 1, `rt-default was updated ${defaults} times`);
  await page.screenshot({ path: join(SHOTS, 'update-all-activity-light.png'), fullPage: true });
});

test('opt-in start-up check: off by default, turned on in Settings, then tells how many runtimes are behind', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  const toggle = page.getByTestId('check-updates-at-startup');
  await toggle.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="check-updates-at-startup"]')?.disabled === false);
  check(!(await toggle.isChecked()), 'the start-up check is off by default');
  await toggle.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('[data-testid="check-updates-at-startup"]')?.checked === true);
  await page.screenshot({ path: join(SHOTS, 'settings-updates-light.png'), fullPage: true });
  await page.evaluate((id) => window.localStorage.setItem('pfrm.runtimes.workspace', id), RESEARCH_ID);
  await page.reload();
  // The app reopens on the page it was left on.
  await page.getByTestId('check-updates-at-startup').waitFor();
  await page.getByRole('tab', { name: 'Welcome' }).click();
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  const notice = page.getByTestId('startup-update-notice');
  await notice.filter({ hasText: '3 runtimes in research-ml are behind the final image.' }).waitFor();
  check(!(await notice.innerText()).includes('newest version'), 'the start-up notice does not promise newer versions');
  await page.getByTestId('nav-runtimes-outdated').first().filter({ hasText: '3' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'startup-update-notice-light.png') });
  await notice.getByRole('button', { name: 'Show runtimes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Runtimes' }).waitFor();
  await page.getByTestId('runtime-row-rt-default').getByTestId('update-badge').waitFor();
  check((await page.getByTestId('startup-update-notice').count()) === 0, 'the notice is gone once followed');
});
