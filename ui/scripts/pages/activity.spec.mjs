// Activity: the list of operations, as the core listed them (the page world's `activity`).
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';

test('activity lists operations with state, stage, errors, cancel and clear', async ({ page, base }) => {
  await page.goto(`${base}?scenario=activity`);
  // Fluent draws a tab's label twice (a hidden bold copy keeps its width), hence first().
  await page.getByTestId('nav-activity-running').first().filter({ hasText: '1' }).waitFor();
  await page.getByRole('tab', { name: /Activity/ }).click();
  const running = page.getByTestId('operation-op-create');
  await running.getByTestId('operation-state').filter({ hasText: 'Running' }).waitFor();
  await running.getByText('Waiting for the runtime to start.').waitFor();
  const first = await running.getByTestId('operation-elapsed').textContent();
  await page.waitForTimeout(1500);
  const later = await running.getByTestId('operation-elapsed').textContent();
  check(first !== later, `the elapsed time ticks (${first} then ${later})`);
  const failed = page.getByTestId('operation-op-grant');
  await failed.getByTestId('error-remedy').filter({ hasText: 'Ask an Owner' }).waitFor();
  check((await failed.getByRole('button', { name: 'Cancel' }).count()) === 0, 'finished operations have no Cancel');
  // A finished operation says when it started and how long it took; a running one, for how long so far.
  const timing = await failed.getByTestId('operation-elapsed').textContent();
  check(/^Started .*2026.* · took 0 s$/.test(timing), `the failed grant's timing reads ${timing}`);
  check(/^Started .* · running for /.test(later), `the running operation's timing reads ${later}`);
  const resumed = page.getByTestId('operation-op-start');
  await resumed.getByText('Resumed after a restart').waitFor();
  // A succeeded operation shows no stale service message ("Azure reports: Starting" once read as
  // if the start were still going).
  await resumed.getByTestId('operation-state').filter({ hasText: 'Succeeded' }).waitFor();
  check((await resumed.getByTestId('operation-message').count()) === 0, 'the succeeded start still shows a service message');
  await page.screenshot({ path: join(SHOTS, 'activity-light.png'), fullPage: true });
  await running.getByRole('button', { name: 'Cancel' }).click();
  await running.getByTestId('operation-state').filter({ hasText: 'Cancelled' }).waitFor();
  await page.getByTestId('nav-activity-running').first().waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Clear finished' }).click();
  await page.getByText('Nothing has run yet.').waitFor();
});
