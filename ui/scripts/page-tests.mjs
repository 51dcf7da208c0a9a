// Page tests: the built UI (dist-pages, IPC answered by the fake backend) in headless Chromium,
// plus a check that the production bundle (dist) carries no mock code.
// Run with `npm run test:pages` after `npm run build` and `npm run build:pages`.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const UI = resolve(fileURLToPath(import.meta.url), '../..');
const PAGES = join(UI, 'dist-pages');
const PRODUCTION = join(UI, 'dist');
const SHOTS = join(UI, 'test-results', 'pages');
const CHROMIUM = process.env.PFRM_CHROMIUM ?? '/usr/bin/chromium';
// Strings that exist only in the fake backend: finding one in a bundle means the mock is in it.
const MOCK_MARKERS = ['0.0.0-pages', 'startup-warnings', 'bad_name'];

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

function serve(root) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    let file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function bundleText(dir) {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} is missing: build it first`);
  return filesUnder(dir)
    .filter((path) => /\.(js|html)$/.test(path))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const tests = [];
const test = (name, body) => tests.push({ name, body });

test('production bundle carries no IPC mock', async () => {
  const production = bundleText(PRODUCTION);
  const pages = bundleText(PAGES);
  for (const marker of MOCK_MARKERS) {
    check(pages.includes(marker), `the page-test bundle should contain the mock marker ${marker}`);
    check(!production.includes(marker), `the production bundle contains mock code (${marker})`);
  }
  check(!production.includes('__TAURI_INTERNALS__.invoke=') , 'the production bundle overrides Tauri IPC');
});

test('welcome screen shows the product, what it does and working actions', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('heading', { level: 1, name: 'Welcome to Prompt Flow Runtime Manager' }).waitFor();
  await page.getByText('Set up and update your Azure Machine Learning prompt flow runtimes').waitFor();
  for (const label of ['Welcome', 'Runtimes', 'Permissions', 'Activity', 'Settings']) {
    await page.getByRole('tab', { name: label }).waitFor();
  }
  await page.getByTestId('sign-in-choices').waitFor();
  const buttons = page.locator('[data-testid="welcome"] button');
  // Four ways to sign in (browser, code, Azure CLI, sandbox) and the two actions that need none.
  check((await buttons.count()) === 6, `welcome should offer the six working actions, found ${await buttons.count()}`);
  for (const button of await buttons.all()) check(await button.isEnabled(), 'welcome actions must all work');
  // A screen reader reads each action's sentence with its button.
  const described = await page.getByTestId('sign-in-deviceCode').evaluate(
    (button) => document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent,
  );
  check(described?.startsWith('For remote desktops'), `the code sign-in button is described by ${described}`);
  // At the default window size every choice is in view with nothing to scroll.
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({ scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight }));
  check(scrollHeight <= innerHeight, `the signed-out welcome page should fit the default window (${scrollHeight} > ${innerHeight})`);
  for (const button of await buttons.all()) {
    const box = await button.boundingBox();
    check(box !== null && box.y + box.height <= innerHeight, `${await button.textContent()} should be in view`);
  }
  await page.screenshot({ path: join(SHOTS, 'welcome-light.png') });
});

test('a page taller than the window scrolls, and the navigation and account stay in view', async ({ page, base }) => {
  // The smallest window the app allows.
  await page.setViewportSize({ width: 720, height: 480 });
  await page.goto(base);
  await page.getByTestId('sign-in-choices').waitFor();
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({ scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight }));
  check(scrollHeight > innerHeight, `the signed-out welcome page should be taller than the smallest window (${scrollHeight} <= ${innerHeight})`);
  await page.mouse.move(700, 400);
  await page.mouse.wheel(0, 400);
  await page.waitForFunction(() => window.scrollY > 0);
  const nav = await page.locator('nav').evaluate((element) => {
    const box = element.getBoundingClientRect();
    return { top: box.top, bottom: box.bottom };
  });
  check(nav.top === 0, `the navigation should stay at the top of the window, it is at ${nav.top}`);
  check(Math.round(nav.bottom) === innerHeight, `the navigation should reach the foot of the window, it ends at ${nav.bottom}`);
  check(await page.getByTestId('account-sign-in').isVisible(), 'the account entry at the foot of the navigation stays visible');
  await page.screenshot({ path: join(SHOTS, 'welcome-smallest-window-scrolled.png') });
});

test('settings shows the version and log folder from the backend', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Settings' }).click();
  await page.getByTestId('app-version').filter({ hasText: '0.0.0-pages' }).waitFor();
  await page.getByTestId('log-dir').filter({ hasText: '/home/user/.local/state/pfrm/logs' }).waitFor();
  await page.getByRole('button', { name: 'Open logs folder' }).click();
  check((await page.getByTestId('error-message').count()) === 0, 'opening the logs folder should not fail');
  await page.screenshot({ path: join(SHOTS, 'settings-light.png') });
});

test('a rejected runtime name shows the message and the remedy', async ({ page, base }) => {
  await page.goto(base);
  await page.getByTestId('welcome-runtimes').click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await page.getByTestId('add-runtime').click();
  await page.getByLabel('Runtime name').fill('bad_name');
  await page.getByTestId('instance-ci-alex').check();
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('error-text').filter({ hasText: 'cannot be used as a runtime name' }).waitFor();
  const remedy = await page.getByTestId('error-remedy').textContent();
  check(remedy?.startsWith('Use 3 to 24 characters'), `remedy was ${remedy}`);
  const step = await page.getByTestId('add-runtime-wizard').getAttribute('data-step');
  check(step === 'instance', `a rejected name must keep the wizard on its first step, it is on ${step}`);
  await page.screenshot({ path: join(SHOTS, 'runtime-name-error-light.png') });
});

// Runtimes: workspace picker, preflight checklist, wizard, details and delete.
// Typed key by key: the picker filters as the user types (a pasted value does not open it).
async function retype(input, text) {
  await input.fill('');
  await input.pressSequentially(text);
}

async function pickWorkspace(page, filter, name) {
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  await retype(picker, filter);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  await page.getByTestId('preflight-summary').waitFor();
}

test('workspace picker filters by name, subscription and region, and remembers the choice', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  check((await page.getByTestId('workspace-option').count()) === 3, 'all three workspaces are offered');
  await retype(picker, 'sweden');
  await page.getByTestId('workspace-option').filter({ hasText: 'Research Sandbox · swedencentral · Default' }).waitFor();
  check((await page.getByTestId('workspace-option').count()) === 1, 'the region filter should leave one workspace');
  await retype(picker, 'contoso production');
  await page.getByTestId('workspace-option').nth(1).waitFor();
  check((await page.getByTestId('workspace-option').count()) === 2, 'the subscription filter should leave two workspaces');
  await page.screenshot({ path: join(SHOTS, 'runtimes-picker-light.png') });
  await retype(picker, 'nothing-like-this');
  await page.getByTestId('workspace-none').filter({ hasText: 'No workspace matches' }).waitFor();
  await retype(picker, 'contoso-ml');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByTestId('preflight-summary').filter({ hasText: 'Every prerequisite is met.' }).waitFor();
  check(await page.getByTestId('add-runtime').isEnabled(), 'Add runtime is on when nothing blocks');
  await page.getByTestId('runtimes-empty').waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtimes-checklist-light.png') });
  await page.reload();
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await page.getByTestId('preflight-summary').waitFor();
  const shown = await page.getByTestId('workspace-picker').inputValue();
  check(shown === 'contoso-ml', `the last workspace should be chosen again after a restart, got ${shown}`);
});

test('when every prerequisite is met the checks fold away and the runtimes come into view', async ({ page, base }) => {
  await page.goto(base);
  await page.evaluate(() => {
    window.pfrmSawEmptyListWhileChecking = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="runtimes-empty"]') && document.querySelector('[data-testid="versions-checking"]')) {
        window.pfrmSawEmptyListWhileChecking = true;
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await page.getByTestId('preflight-summary').filter({ hasText: 'Every prerequisite is met.' }).waitFor();
  const toggle = page.getByTestId('preflight-toggle');
  check((await toggle.textContent()) === 'Show the 5 checks', `the toggle says ${await toggle.textContent()}`);
  check((await toggle.getAttribute('aria-expanded')) === 'false', 'the checks start folded');
  check(!(await page.getByTestId('preflight-checklist').isVisible()), 'the passed checks are out of the way');
  const innerHeight = await page.evaluate(() => window.innerHeight);
  const empty = await page.getByTestId('runtimes-empty').boundingBox();
  check(empty !== null && empty.y + empty.height <= innerHeight, 'the runtimes are in view without scrolling');
  check(!(await page.evaluate(() => window.pfrmSawEmptyListWhileChecking)), 'with no runtimes there is no version check to wait for');
  await page.screenshot({ path: join(SHOTS, 'runtimes-checks-folded-light.png') });
  await toggle.click();
  await page.getByTestId('preflight-checklist').waitFor();
  check((await toggle.textContent()) === 'Hide the checks', `the toggle says ${await toggle.textContent()}`);
  check((await toggle.getAttribute('aria-expanded')) === 'true', 'the toggle says the checks are shown');
  check((await page.locator('[data-testid^="check-"][data-status="passed"]').count()) === 5, 'every check is listed as passed');
  await page.keyboard.press('Enter');
  await page.getByTestId('preflight-checklist').waitFor({ state: 'hidden' });
  // A workspace where a check does not pass opens with the checks shown, and no toggle.
  await pickWorkspace(page, 'locked', 'locked-ml');
  await page.getByTestId('preflight-summary').filter({ hasText: 'A prerequisite is not met' }).waitFor();
  await page.getByTestId('check-dataScientistRole').waitFor();
  check((await page.getByTestId('preflight-toggle').count()) === 0, 'no way to fold a check that needs attention');
});

test('a blocker in the checklist disables Add runtime and says why', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'locked', 'locked-ml');
  await page.getByTestId('preflight-summary').filter({ hasText: 'A prerequisite is not met' }).waitFor();
  const role = page.getByTestId('check-dataScientistRole');
  check((await role.getAttribute('data-status')) === 'failed', 'the role check fails');
  await role.getByText('grant yourself AzureML Data Scientist', { exact: false }).waitFor();
  check(await page.getByTestId('add-runtime').isDisabled(), 'Add runtime must be off while a blocker fails');
  const reason = await page.getByTestId('add-blocked-reason').textContent();
  check(
    reason === 'Add runtime is off until this prerequisite is met: You have the AzureML Data Scientist role (or broader) on the workspace.',
    `the reason should name the prerequisite as not yet met, was ${reason}`,
  );
  check((await page.getByTestId('add-first-runtime').count()) === 0, 'the empty state must not lead into the wizard either');
  await page.screenshot({ path: join(SHOTS, 'runtimes-blocked-light.png'), fullPage: true });
});

test('a blocker that could not be checked keeps Add runtime off, says why, and Check again runs it again', async ({ page, base }) => {
  await page.goto(`${base}?scenario=permissions-unreadable`);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await page.getByTestId('preflight-summary').filter({ hasText: 'pfrm could not tell whether every prerequisite is met' }).waitFor();
  const role = page.getByTestId('check-dataScientistRole');
  check((await role.getAttribute('data-status')) === 'unknown', 'the role check could not be made');
  check(await page.getByTestId('add-runtime').isDisabled(), 'Add runtime must be off while a blocker could not be told');
  check((await page.getByTestId('add-first-runtime').count()) === 0, 'the empty state must not lead into the wizard either');
  const reason = page.getByTestId('add-blocked-reason');
  const text = await reason.textContent();
  check(
    text ===
      'Could not tell: Your permissions could not be read: pfrm could not check your permissions on workspace contoso-ml because management.azure.com could not be reached (the request timed out).',
    `the reason should say what could not be told and why, was ${text}`,
  );
  check((await reason.getAttribute('data-kind')) === 'couldNotTell', 'the reason is a could-not-tell');
  await page.screenshot({ path: join(SHOTS, 'runtimes-could-not-tell-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-theme="dark"]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtimes-could-not-tell-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('[data-theme="light"]').waitFor();
  // Checking again beside the reason reads the permissions again; now they can be read.
  await page.getByTestId('add-check-again').click();
  await page.getByTestId('preflight-summary').filter({ hasText: 'Every prerequisite is met.' }).waitFor();
  check(await page.getByTestId('add-runtime').isEnabled(), 'Add runtime is on once every blocker is known to pass');
  check((await page.getByTestId('add-blocked-reason').count()) === 0, 'no reason is left once nothing blocks');
});

test('a compute instance being deleted is listed but cannot be chosen', async ({ page, base }) => {
  await page.goto(`${base}?scenario=instance-deleting`);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await page.getByTestId('add-first-runtime').click();
  await page.getByLabel('Runtime name').fill('my-runtime');
  const doomed = page.getByTestId('instance-ci-alex-old');
  await doomed.waitFor();
  check(await doomed.isDisabled(), 'an instance that is being deleted cannot be chosen');
  const problems = page.getByTestId('wizard-instances').getByTestId('instance-problem');
  const texts = await problems.allTextContents();
  check(
    texts.some((text) => text.includes('ci-alex-old is being deleted, so it cannot host a runtime.')),
    `the instance should say why it cannot be chosen, said ${texts.join(' | ')}`,
  );
  await doomed.click({ force: true }).catch(() => {});
  check(!(await doomed.isChecked()), 'clicking it does not choose it');
  check(await page.getByTestId('wizard-next').isDisabled(), 'there is no going on with it');
  await page.screenshot({ path: join(SHOTS, 'wizard-instance-deleting-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-theme="dark"]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-instance-deleting-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('[data-theme="light"]').waitFor();
  // The running instance is still offered.
  await page.getByTestId('instance-ci-alex').check();
  await page.getByTestId('wizard-next').waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('[data-testid="wizard-next"]')?.disabled === false);
});

test('add-runtime wizard: start an instance, custom environment warning, restart confirmation, create, details, delete', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await page.getByTestId('add-first-runtime').click();
  const wizard = page.getByTestId('add-runtime-wizard');
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 1 of 5: Name and compute instance' }).waitFor();
  await page.getByLabel('Runtime name').fill('my-runtime');
  // The stopped instance is started from the wizard, with progress.
  await page.getByTestId('wizard-instances').getByText('Stopped · Standard_DS11_v2').waitFor();
  // What is wrong with the stopped instance reads as not met, with what to do.
  const problem = await page.getByTestId('wizard-instances').getByTestId('instance-problem').textContent();
  check(problem.startsWith('Not met: The compute instance is running. What to do: '), `the stopped instance says ${problem}`);
  await page.getByTestId('start-ci-alex-gpu').click();
  await page.getByTestId('operation-stage').waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-start-instance-light.png') });
  await page.getByTestId('wizard-instances').getByText('Stopped · Standard_DS11_v2').waitFor({ state: 'detached' });
  await page.getByTestId('instance-ci-alex-gpu').check();
  await page.screenshot({ path: join(SHOTS, 'wizard-instance-light.png') });
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 2 of 5: Authenticate on the compute instance' }).waitFor();
  await wizard.getByText('once per region every 6 months').waitFor();
  await page.getByTestId('wizard-instance-url').filter({ hasText: 'https://ci-alex-gpu.eastus.instances.azureml.ms' }).waitFor();
  await page.getByRole('button', { name: 'Done, it is authenticated' }).click();
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 3 of 5: Custom application' }).waitFor();
  check(await page.getByTestId('app-existing').isDisabled(), 'no existing runtime app on the instance');
  await page.getByTestId('env-custom').check();
  check(await page.getByTestId('wizard-next').isDisabled(), 'a custom environment must be picked before going on');
  await page.getByTestId('env-picker').click();
  await page.getByRole('option', { name: 'docker-context : 1' }).click();
  await page.getByTestId('env-warning').filter({ hasText: 'cannot be shown to build on the prompt flow runtime image' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-custom-environment-light.png') });
  await page.getByTestId('env-picker').click();
  await page.getByRole('option', { name: 'pf-custom : 3' }).click();
  await page.getByTestId('env-warning').waitFor({ state: 'detached' });
  await page.getByTestId('env-default').check();
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 4 of 5: Restart warning' }).waitFor();
  check(await page.getByTestId('wizard-next').isDisabled(), 'the restart must be confirmed');
  await page.getByTestId('wizard-confirm-restart').check();
  await page.screenshot({ path: join(SHOTS, 'wizard-restart-light.png') });
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 5 of 5: Create' }).waitFor();
  await page.getByTestId('wizard-summary').filter({ hasText: 'Runtime my-runtime on ci-alex-gpu, with a new custom application on the default environment.' }).waitFor();
  // Before creating, the wizard says the date and the days left, even with the page notice hidden for the week.
  await page.getByTestId('wizard-retirement').filter({ hasText: 'Prompt flow retires on 2027-04-20, 135 days from today. This runtime will run the final image' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-create-retirement-light.png') });
  await page.getByTestId('wizard-create').click();
  check(await page.getByTestId('wizard-create').isDisabled(), 'Create is off while creating (no double create)');
  await page.getByTestId('operation-message').filter({ hasText: 'Runtime is starting' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-creating-light.png') });
  await page.getByTestId('wizard-done').filter({ hasText: 'Runtime my-runtime is running.' }).waitFor();
  // Where the run ends is not a step of it.
  check((await page.getByTestId('wizard-step-title').textContent()) === 'Done', 'the last screen is titled Done, without a step number');
  await page.getByTestId('wizard-snippet').filter({ hasText: 'pfazure run create --flow <path-to-flow> --data <path-to-data.jsonl> --runtime my-runtime' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-done-light.png') });
  // The last step leads to the Permissions page, on the same workspace; back on Runtimes the
  // new runtime is listed.
  await page.getByTestId('wizard-open-permissions').click();
  await page.getByRole('heading', { level: 1, name: 'Permissions' }).waitFor();
  await page.getByTestId('grant-ability').filter({ hasText: 'You may grant roles on contoso-ml.' }).waitFor();
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  const row = page.getByTestId('runtime-row-my-runtime');
  await row.waitFor();
  check((await row.getAttribute('data-status')) === 'Running', 'the new runtime is listed as running');
  await page.screenshot({ path: join(SHOTS, 'runtimes-list-light.png') });
  await row.getByRole('button', { name: 'my-runtime' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('details-status').filter({ hasText: 'Running' }).waitFor();
  const url = await page.getByTestId('studio-url').textContent();
  check(url === `https://ml.azure.com/prompts/runtime/my-runtime/details?wsid=/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/contoso-ml`, `studio url was ${url}`);
  await page.screenshot({ path: join(SHOTS, 'runtime-details-light.png') });
  await page.getByTestId('details-delete').click();
  check(await page.getByTestId('delete-confirm').isDisabled(), 'delete needs the typed name');
  // The dialog opens in the name field; the choice about the custom app comes after it.
  const deleteName = page.getByTestId('delete-confirm-name');
  await page
    .waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'delete-confirm-name', null, { timeout: 3000 })
    .catch(() => {
      throw new Error('the delete dialog should open with the cursor in the name field');
    });
  check(
    await deleteName.evaluate((field) => Boolean(field.compareDocumentPosition(document.querySelector("[data-testid='delete-remove-app']")) & Node.DOCUMENT_POSITION_FOLLOWING)),
    'the remove-app choice comes after the name field',
  );
  await deleteName.fill('my-runtim');
  check(await page.getByTestId('delete-confirm').isDisabled(), 'a wrong name keeps delete off');
  await deleteName.fill('my-runtime');
  await page.getByTestId('delete-remove-app').check();
  await page.screenshot({ path: join(SHOTS, 'runtime-delete-light.png') });
  await page.getByTestId('delete-confirm').click();
  await page.getByTestId('runtimes-empty').waitFor();
});

// Permissions: who may grant, grant to me / a person / an endpoint, assignments and revoke.
async function openPermissions(page, base, filter, name) {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Permissions' }).click();
  await page.getByRole('heading', { level: 1, name: 'Permissions' }).waitFor();
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  await retype(picker, filter);
  await page.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  await page.getByTestId('grant-ability').waitFor();
}

test('permissions without a chosen workspace offer the picker, and the choice is shared with Runtimes', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Permissions' }).click();
  await page.getByTestId('workspace-choose').filter({ hasText: 'Choose a workspace' }).waitFor();
  check((await page.getByTestId('grant-ability').count()) === 0, 'nothing is offered before a workspace is chosen');
  await page.screenshot({ path: join(SHOTS, 'permissions-choose-light.png') });
  const picker = page.getByTestId('workspace-picker');
  await picker.click();
  await retype(picker, 'contoso-ml');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByTestId('grant-ability').waitFor();
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await page.getByTestId('preflight-summary').waitFor();
  const shown = await page.getByTestId('workspace-picker').inputValue();
  check(shown === 'contoso-ml', `Runtimes should open on the workspace chosen on Permissions, got ${shown}`);
});

test('permissions when you may grant: grant to me, look up a person, grant, revoke after confirming', async ({ page, base }) => {
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  await page.getByTestId('grant-ability').filter({ hasText: 'You may grant roles on contoso-ml.' }).waitFor();
  check((await page.getByTestId('grant-request').count()) === 0, 'no request to copy when you may grant');
  const list = page.getByTestId('assignment-list');
  await list.locator('[data-principal="Carol Example"][data-role="Reader"]').waitFor();
  const inherited = list.locator('[data-principal="Alex Doe"][data-role="Owner"]');
  await inherited.getByText('Resource group rg-ml (inherited)').waitFor();
  check((await inherited.getByTestId('assignment-revoke').count()) === 0, 'inherited assignments cannot be revoked here');
  await page.screenshot({ path: join(SHOTS, 'permissions-allowed-light.png'), fullPage: true });

  // Grant to me: one click, progress while Azure applies it, then the outcome.
  await page.getByTestId('permissions-me').getByTestId('grant-to-me').click();
  await page.getByTestId('grant-progress').filter({ hasText: 'Azure can take several minutes' }).waitFor();
  await page.locator('[data-testid="grant-progress"][data-stage="waitingForPropagation"]').waitFor();
  await page.getByTestId('grant-stage').filter({ hasText: 'Waiting for Azure to apply the change' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'permissions-granting-light.png') });
  await page.getByTestId('grant-outcome').filter({ hasText: 'You now have the AzureML Data Scientist role on contoso-ml. It is in effect.' }).waitFor();
  await list.locator('[data-principal="Alex Doe"][data-role="AzureML Data Scientist"]').waitFor();
  // The same grant shows in Activity.
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByText('Grant AzureML Data Scientist to you on contoso-ml').waitFor();
  await page.getByRole('tab', { name: 'Permissions' }).click();

  // An unknown person: a clear message, nothing granted.
  const section = page.getByTestId('permissions-user');
  await section.getByTestId('user-query').fill('nobody@contoso.example');
  await section.getByTestId('user-query').press('Enter');
  await section.getByTestId('error-text').filter({ hasText: "No one with the user name or email 'nobody@contoso.example' was found" }).waitFor();
  await section.getByTestId('error-remedy').filter({ hasText: 'Check the spelling' }).waitFor();
  check((await section.getByTestId('user-grant').count()) === 0, 'nothing to grant to an unknown person');
  await page.screenshot({ path: join(SHOTS, 'permissions-unknown-user-light.png') });

  // A person with a role already: their roles are shown first.
  await section.getByTestId('user-query').fill('carol@contoso.example');
  await section.getByTestId('user-find').click();
  await section.getByTestId('user-found-name').filter({ hasText: 'Carol Example' }).waitFor();
  await section.getByTestId('user-assignments').locator('[data-role="Reader"]').waitFor();

  // Bob has none; granting adds him to the list.
  await section.getByTestId('user-query').fill('bob@contoso.example');
  await section.getByTestId('user-find').click();
  await section.getByTestId('user-no-roles').filter({ hasText: 'Bob Example has no role on this workspace yet.' }).waitFor();
  await section.getByTestId('user-grant').filter({ hasText: 'Grant AzureML Data Scientist to Bob Example' }).click();
  await section.getByTestId('grant-outcome').filter({ hasText: 'Bob Example now has the AzureML Data Scientist role on contoso-ml.' }).waitFor();
  await section.getByTestId('user-has-role').waitFor();
  const bob = list.locator('[data-principal="Bob Example"][data-role="AzureML Data Scientist"]');
  await bob.waitFor();
  await page.screenshot({ path: join(SHOTS, 'permissions-user-granted-light.png'), fullPage: true });

  // Revoke asks first, naming who and which role; Cancel keeps the assignment.
  await bob.getByTestId('assignment-revoke').click();
  const dialog = page.getByTestId('revoke-dialog');
  await dialog.getByText('Remove AzureML Data Scientist from Bob Example?').waitFor();
  await dialog.getByTestId('revoke-body').filter({ hasText: 'Bob Example will lose the AzureML Data Scientist role on the workspace contoso-ml.' }).waitFor();
  // Only for the picture: let the dialog finish fading in.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'permissions-revoke-dialog-light.png') });
  await dialog.getByTestId('revoke-cancel').click();
  await dialog.waitFor({ state: 'detached' });
  check((await bob.count()) === 1, 'cancelling keeps the assignment');
  // Keyboard: the Revoke button is reached and pressed with the keyboard, Remove confirms.
  // Removing is destructive: Remove stays off until the name is typed, then Enter removes.
  await bob.getByTestId('assignment-revoke').focus();
  await page.keyboard.press('Enter');
  const typedName = dialog.getByTestId('revoke-confirm-name');
  await typedName.waitFor();
  check(await dialog.getByTestId('revoke-confirm').isDisabled(), 'Remove is off before the name is typed');
  check(await typedName.evaluate((el) => el === document.activeElement), 'the dialog opens with the cursor in the name field');
  await page.keyboard.type('Bob Exampl');
  check(await dialog.getByTestId('revoke-confirm').isDisabled(), 'a partly typed name does not enable Remove');
  await page.keyboard.type('e');
  await page.keyboard.press('Enter');
  await page.getByTestId('revoke-outcome').filter({ hasText: 'Bob Example no longer has the AzureML Data Scientist role on contoso-ml.' }).waitFor();
  await bob.waitFor({ state: 'detached' });
  // The person shown above is current again: no stale "now has the role", and Grant is back.
  await section.getByTestId('user-grant').waitFor();
  check((await section.getByTestId('grant-outcome').count()) === 0, 'the earlier outcome no longer holds and is gone');
});

test('permissions when you may not grant: who can, and a request to copy', async ({ page, base }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPermissions(page, base, 'research', 'research-ml');
  const ability = page.getByTestId('grant-ability');
  await ability.filter({ hasText: 'You cannot grant roles on research-ml.' }).waitFor();
  await page.getByTestId('who-can-grant').filter({ hasText: 'An Owner or User Access Administrator' }).waitFor();
  await page.getByTestId('grant-administrators').getByText('Dana Owner').waitFor();
  for (const section of ['permissions-me', 'permissions-user', 'permissions-endpoints']) {
    check((await page.getByTestId(section).count()) === 0, `${section} must not be offered to someone who may not grant`);
  }
  check((await page.getByTestId('assignment-revoke').count()) === 0, 'no Revoke for someone who may not grant');
  await page.getByTestId('grant-request-copy').filter({ hasText: 'Copy request' }).click();
  await page.getByTestId('grant-request-copy').filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied.includes('AzureML Data Scientist') && copied.includes('research-ml'), `the clipboard holds ${copied}`);
  await page.screenshot({ path: join(SHOTS, 'permissions-denied-light.png'), fullPage: true });
});

test('permissions for endpoints: one without an identity is explained, one with is granted', async ({ page, base }) => {
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  const legacy = page.getByTestId('endpoint-legacy-ep');
  await legacy.getByTestId('endpoint-explanation').filter({ hasText: 'has no system-assigned managed identity' }).waitFor();
  check((await legacy.getByTestId('endpoint-grant').count()) === 0, 'no Grant for an endpoint without an identity');
  const scoring = page.getByTestId('endpoint-scoring-ep');
  await scoring.getByText('System-assigned identity scoring-ep-oid').waitFor();
  await page.screenshot({ path: join(SHOTS, 'permissions-endpoints-light.png') });
  await scoring.getByRole('button', { name: 'Grant AzureML Data Scientist to endpoint scoring-ep' }).click();
  const section = page.getByTestId('permissions-endpoints');
  await section.getByTestId('grant-progress').waitFor();
  await section.getByTestId('grant-outcome').filter({ hasText: 'scoring-ep now has the AzureML Data Scientist role' }).waitFor();
  await page.getByTestId('assignment-list').locator('[data-principal="scoring-ep"][data-role="AzureML Data Scientist"]').getByText('Endpoint identity').waitFor();
  check((await page.getByTestId('error-message').count()) === 0, 'no error anywhere');
});

test('the preflight blocker offers Grant to me, which turns the role check green', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'locked', 'locked-ml');
  const role = page.getByTestId('check-dataScientistRole');
  check((await role.getAttribute('data-status')) === 'failed', 'the role check fails first');
  check(await page.getByTestId('add-runtime').isDisabled(), 'Add runtime is off while the role is missing');
  await role.getByTestId('grant-to-me').click();
  await role.getByTestId('grant-progress').waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtimes-grant-to-me-light.png') });
  await page.locator('[data-testid="check-dataScientistRole"][data-status="passed"]').waitFor();
  await page.getByTestId('preflight-summary').filter({ hasText: 'Every prerequisite is met.' }).waitFor();
  check(await page.getByTestId('add-runtime').isEnabled(), 'Add runtime turns on once the role is in effect');
});

test('permissions in dark mode', async ({ page, base }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openPermissions(page, base, 'research', 'research-ml');
  await page.locator('[data-theme="dark"]').waitFor();
  await page.getByTestId('grant-request').waitFor();
  await page.screenshot({ path: join(SHOTS, 'permissions-denied-dark.png'), fullPage: true });
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  await page.getByTestId('endpoint-legacy-ep').waitFor();
  await page.screenshot({ path: join(SHOTS, 'permissions-allowed-dark.png'), fullPage: true });
  // Dialogs open in a layer outside the page; they must follow the theme too.
  await page.getByTestId('assignment-revoke').first().click();
  const dialog = page.getByTestId('revoke-dialog');
  await dialog.waitFor();
  // The picture is taken once the dialog has finished fading in.
  await dialog.evaluate((surface) => Promise.all(surface.getAnimations({ subtree: true }).map((animation) => animation.finished)));
  const background = await dialog.evaluate((surface) => getComputedStyle(surface).backgroundColor);
  check(background === 'rgb(41, 41, 41)', `the revoke dialog should be dark; its background is ${background}`);
  await page.screenshot({ path: join(SHOTS, 'permissions-revoke-dialog-dark.png') });
});

test('start-up problems show as banners', async ({ page, base }) => {
  await page.goto(`${base}?scenario=startup-warnings`);
  await page.getByTestId('startup-warning-config_unreadable').filter({ hasText: 'Your settings file could not be used' }).waitFor();
  await page.getByTestId('startup-warning-log_dir_unwritable').filter({ hasText: 'Logging to a file is off' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'startup-warnings-light.png') });
});

test('the retirement notice: days left, the migration guide, hidden until next week', async ({ page, base }) => {
  await page.goto(`${base}?scenario=retirement`);
  const notice = page.getByTestId('retirement-notice');
  await notice.filter({ hasText: 'Prompt flow retires on 2027-04-20: 135 days left' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'retirement-notice-light.png') });
  await page.getByTestId('retirement-guide').click();
  check((await page.getByTestId('retirement-guide-error').count()) === 0, 'opening the guide should not fail');
  await page.getByTestId('retirement-dismiss').click();
  await notice.waitFor({ state: 'detached' });
  await page.goto(`${base}?scenario=retired`);
  await page.getByTestId('retirement-notice').filter({ hasText: 'Prompt flow retired on 2027-04-20' }).waitFor();
  await page.getByTestId('retirement-notice').filter({ hasText: 'no new runtime can be created' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'retirement-notice-retired-light.png') });
});

test('the keyboard reaches the navigation and moves between pages', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('role'));
  check(focused === 'tab', `first Tab should land in the navigation, landed on ${focused}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Runtimes' }).waitFor();
  const heading = await page.evaluate(() => document.activeElement?.tagName);
  check(heading === 'H1', `focus should move to the new page's heading, was on ${heading}`);
});

test('dark mode follows the system', async ({ page, base }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(base);
  await page.locator('[data-theme="dark"]').waitFor();
  const background = await page.locator('main').evaluate((element) => getComputedStyle(element.parentElement.parentElement).backgroundColor);
  check(background !== 'rgb(255, 255, 255)', `dark background expected, got ${background}`);
  await page.screenshot({ path: join(SHOTS, 'welcome-dark.png') });
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'locked', 'locked-ml');
  await page.getByTestId('add-blocked-reason').waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtimes-blocked-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('[data-theme="light"]').waitFor();
});

// Session: sign-in choices, sandbox, account menu, and the Activity list.
test('try the sandbox: banner, who you are, and on to runtimes', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  await page.getByTestId('sandbox-banner').filter({ hasText: 'Sandbox — nothing here touches Azure' }).waitFor();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Sandbox' }).waitFor();
  await page.getByTestId('welcome-who-name').filter({ hasText: 'Signed in as Alice Sandbox' }).waitFor();
  check((await page.getByTestId('sign-in-choices').count()) === 0, 'no sign-in choices while in the sandbox');
  await page.screenshot({ path: join(SHOTS, 'sandbox-welcome-light.png') });
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('account-leave-sandbox').waitFor();
  await page.screenshot({ path: join(SHOTS, 'sandbox-account-menu-light.png') });
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Go to runtimes' }).click();
  await page.getByRole('heading', { level: 1, name: 'Runtimes' }).waitFor();
  check(await page.getByTestId('sandbox-banner').isVisible(), 'the banner stays on every page');
  await page.getByRole('button', { name: 'Leave sandbox' }).click();
  await page.getByTestId('sandbox-banner').waitFor({ state: 'detached' });
  await page.getByTestId('account-sign-in').waitFor();
});

test('launched with --sandbox: the banner appears once the sandbox is up', async ({ page, base }) => {
  await page.goto(`${base}?scenario=sandbox`);
  await page.getByTestId('sign-in-choices').waitFor();
  await page.getByTestId('sandbox-banner').waitFor();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Sandbox' }).waitFor();
});

test('browser sign-in waits for the browser and can be cancelled', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with your browser' }).click();
  await page.getByText('Finish signing in in your browser').waitFor();
  // The spinner, the words and Cancel sit on one line, so Cancel is where the eye finishes reading.
  const waiting = page.getByTestId('sign-in-waiting-browser');
  const [spinner, words, cancel] = await Promise.all([
    waiting.getByRole('progressbar').boundingBox(),
    waiting.getByRole('status').boundingBox(),
    waiting.getByRole('button', { name: 'Cancel' }).boundingBox(),
  ]);
  check(spinner.x + spinner.width <= words.x && words.x + words.width <= cancel.x, 'spinner, words and Cancel should run left to right');
  const middle = (box) => box.y + box.height / 2;
  check(Math.abs(middle(spinner) - middle(cancel)) < 4, `the spinner and Cancel should share a line (${middle(spinner)} vs ${middle(cancel)})`);
  await page.screenshot({ path: join(SHOTS, 'sign-in-browser-waiting-light.png') });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('sign-in-choices').waitFor();
  check((await page.getByTestId('error-message').count()) === 0, 'cancelling is not an error');
});

test('device code dialog shows the code and the page, copies, and cancels', async ({ page, base }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with a code' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByTestId('device-code-code').filter({ hasText: 'FKX-4QPT' }).waitFor();
  await dialog.getByTestId('device-code-url').filter({ hasText: 'https://microsoft.com/devicelogin' }).waitFor();
  await dialog.getByRole('button', { name: 'Copy code' }).click();
  await dialog.getByTestId('device-code-copied-code').filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === 'FKX-4QPT', `the clipboard holds ${copied}`);
  await page.screenshot({ path: join(SHOTS, 'sign-in-device-code-light.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog').waitFor({ state: 'detached' });
  await page.getByTestId('sign-in-choices').waitFor();
});

test('a failed Azure CLI sign-in says what to do', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
  await page.getByTestId('error-text').filter({ hasText: 'The Azure CLI is not signed in on this computer.' }).waitFor();
  const remedy = await page.getByTestId('error-remedy').textContent();
  check(remedy?.startsWith('Run `az login`'), `remedy was ${remedy}`);
  await page.getByTestId('sign-in-choices').waitFor();
});

test('account menu: who, accounts, directories, add account and sign out', async ({ page, base }) => {
  await page.goto(`${base}?scenario=azure-cli`);
  await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Example' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('account-menu-user-name').filter({ hasText: 'alice@contoso.example' }).waitFor();
  await page.getByRole('menuitemradio', { name: /Fabrikam/ }).waitFor();
  // The menu opens over the page, which stays visible behind it: what is drawn at the
  // heading's place is still the heading, not a layer the menu brought.
  const onTop = await page.evaluate(() => {
    const heading = document.querySelector('h1');
    if (!heading) return 'no heading';
    const box = heading.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + 5, box.top + box.height / 2);
    return hit && heading.contains(hit) ? 'heading' : `${hit?.tagName}.${String(hit?.className).slice(0, 60)}`;
  });
  check(onTop === 'heading', `the page stays visible behind the open menu; on top of the heading: ${onTop}`);
  await page.screenshot({ path: join(SHOTS, 'account-menu-light.png') });
  await page.getByRole('menuitemradio', { name: /Fabrikam/ }).click();
  await page.getByTestId('account-menu-button').click();
  const fabrikam = page.getByRole('menuitemradio', { name: /Fabrikam/ });
  await page.waitForFunction(() => document.querySelector('[data-testid="tenant-fabrikam-tid"]')?.getAttribute('aria-checked') === 'true');
  check((await fabrikam.getAttribute('aria-checked')) === 'true', 'the chosen directory is current');
  await page.getByRole('menuitemradio', { name: /Bob Example/ }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Bob Example' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Add account' }).click();
  await page.getByRole('heading', { name: 'Add another account' }).waitFor();
  check((await page.getByRole('button', { name: 'Try the sandbox' }).count()) === 0, 'no sandbox while adding an account');
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByTestId('account-sign-in').waitFor();
  await page.getByTestId('sign-in-choices').waitFor();
});

test('banners for a memory-only session and an expired sign-in', async ({ page, base }) => {
  await page.goto(`${base}?scenario=memory-only`);
  await page.getByTestId('memory-only-banner').filter({ hasText: 'Sign-ins last until you close the app' }).waitFor();
  await page.goto(`${base}?scenario=sign-in-required`);
  await page.getByTestId('sign-in-required-banner').filter({ hasText: 'Alice Example' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'sign-in-required-light.png') });
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByRole('button', { name: 'Sign in again' }).click();
  await page.getByTestId('sign-in-choices').waitFor();
});

test('activity lists operations with state, stage, errors, cancel and clear', async ({ page, base }) => {
  await page.goto(`${base}?scenario=activity`);
  // Fluent draws a tab's label twice (a hidden bold copy keeps its width), hence first().
  await page.getByTestId('nav-activity-running').first().filter({ hasText: '1' }).waitFor();
  await page.getByRole('tab', { name: /Activity/ }).click();
  const running = page.getByTestId('operation-op-create');
  await running.getByTestId('operation-state').filter({ hasText: 'Running' }).waitFor();
  await running.getByText('Waiting for the runtime to start.').waitFor();
  await running.getByText('Pulling the runtime image').waitFor();
  const first = await running.getByTestId('operation-elapsed').textContent();
  await page.waitForTimeout(1500);
  const later = await running.getByTestId('operation-elapsed').textContent();
  check(first !== later, `the elapsed time ticks (${first} then ${later})`);
  const failed = page.getByTestId('operation-op-grant');
  await failed.getByTestId('error-remedy').filter({ hasText: 'Ask an Owner' }).waitFor();
  check((await failed.getByRole('button', { name: 'Cancel' }).count()) === 0, 'finished operations have no Cancel');
  // A finished operation says when it started and how long it took; a running one, for how long so far.
  const timing = await failed.getByTestId('operation-elapsed').textContent();
  check(/^Started .*2026.* · took 2 s$/.test(timing), `the failed grant's timing reads ${timing}`);
  check(/^Started .* · running for /.test(later), `the running operation's timing reads ${later}`);
  await page.getByTestId('operation-op-start').getByText('Resumed after a restart').waitFor();
  await page.screenshot({ path: join(SHOTS, 'activity-light.png'), fullPage: true });
  await running.getByRole('button', { name: 'Cancel' }).click();
  await running.getByTestId('operation-state').filter({ hasText: 'Cancelled' }).waitFor();
  await page.getByTestId('nav-activity-running').first().waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Clear finished' }).click();
  await page.getByText('Nothing has run yet.').waitFor();
});

test('the keyboard reaches the account menu and sign-in choices', async ({ page, base }) => {
  await page.goto(`${base}?scenario=azure-cli`);
  await page.getByTestId('sign-in-choices').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const onAccount = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  check(onAccount === 'account-sign-in', `second Tab should reach the account button, was on ${onAccount}`);
  await page.keyboard.press('Tab');
  const onChoice = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  check(onChoice === 'sign-in-browser', `next Tab should reach the first sign-in choice, was on ${onChoice}`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice Example' }).waitFor();
  await page.getByTestId('account-menu-button').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu').waitFor();
  const inMenu = await page.evaluate(() => document.activeElement?.getAttribute('role'));
  check(inMenu?.startsWith('menuitem'), `Enter opens the menu with focus inside, was on ${inMenu}`);
});

// Versions and updates: badges, the nav's count, the banner, Check version, Update (default and
// custom environment, cancel), Update all, and the opt-in start-up check. research-ml holds
// rt-default (outdated), rt-preview (registry and service disagree; its update fails),
// rt-custom (custom environment) and rt-fresh (newest).
const RESEARCH_ID = '/subscriptions/00000000-0000-0000-0000-00000000000b/resourceGroups/rg-research/providers/Microsoft.MachineLearningServices/workspaces/research-ml';

async function openResearch(page, base, query = '') {
  await page.goto(`${base}${query}`);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'research', 'research-ml');
  await page.getByTestId('versions-summary').waitFor();
}

async function openRuntime(page, name) {
  await page.getByTestId(`runtime-row-${name}`).getByRole('button', { name }).click();
  await page.getByTestId('details-status').waitFor();
}

async function checkColumnsFit(page, testId) {
  const table = page.getByTestId(testId).first();
  const cells = await table.evaluate((element) =>
    [...element.querySelectorAll('th, td')].map((cell) => ({ text: cell.textContent, overflows: cell.scrollWidth > cell.clientWidth })),
  );
  const overflowing = cells.filter((cell) => cell.overflows).map((cell) => cell.text);
  check(cells.length > 0 && overflowing.length === 0, `no cell of ${testId} should spill into the next column: ${overflowing.join(', ')}`);
  const overflowX = await table.evaluate((element) => getComputedStyle(element.parentElement).overflowX);
  check(overflowX === 'auto', `${testId} should scroll sideways when its columns do not fit, overflow-x is ${overflowX}`);
}

test('in the smallest window the runtime and role tables keep every column readable and scroll sideways', async ({ page, base }) => {
  await page.setViewportSize({ width: 720, height: 480 });
  await openResearch(page, base);
  await checkColumnsFit(page, 'runtime-list');
  await page.screenshot({ path: join(SHOTS, 'runtimes-list-smallest-window.png') });
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  await page.getByTestId('assignment-list').first().waitFor();
  await checkColumnsFit(page, 'assignment-list');
  await page.getByTestId('assignment-list').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'permissions-list-smallest-window.png') });
});

test('runtime details in the smallest window: words wrap whole, long addresses still fit, and dates read as dates', async ({ page, base }) => {
  await page.setViewportSize({ width: 720, height: 480 });
  await openResearch(page, base);
  await openRuntime(page, 'rt-default');
  const fields = await page.getByTestId('runtime-details').evaluate((section) => {
    // The words of a value that the browser split across two lines.
    const brokenWords = (element) => {
      const broken = [];
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
          if (lines.size > 1) broken.push(match[0]);
        }
      }
      return broken;
    };
    return [...section.querySelectorAll('dt')].map((term) => {
      const value = term.nextElementSibling;
      return {
        label: term.textContent,
        text: value.textContent,
        broken: brokenWords(value),
        fits: value.scrollWidth <= value.clientWidth,
        moment: value.querySelector('time')?.getAttribute('datetime') ?? null,
      };
    });
  });
  const byLabel = new Map(fields.map((field) => [field.label, field]));
  for (const label of ['Environment', 'Runtime version', 'Newest version']) {
    const field = byLabel.get(label);
    check(field && field.broken.length === 0, `${label} should wrap between words, it broke ${field?.broken.join(', ')}`);
  }
  for (const field of fields) check(field.fits, `${field.label} should fit its column: ${field.text}`);
  const created = byLabel.get('Created');
  check(created.moment === '2026-01-12T09:00:00Z', `the exact moment stays with the date, was ${created.moment}`);
  check(created.text.includes('2026') && !created.text.includes('T09:00'), `Created should read as a date and time, was ${created.text}`);
  await page.screenshot({ path: join(SHOTS, 'runtime-details-smallest-window.png'), fullPage: true });
});

async function backToList(page) {
  await page.getByTestId('details-back').click();
  await page.getByTestId('runtime-list').waitFor();
}

const badgeCount = async (page, name) => page.getByTestId(`runtime-row-${name}`).getByTestId('update-badge').count();

test('outdated runtimes get a badge and a count in the navigation; details show the banner, which source says what, and Check version', async ({ page, base }) => {
  await openResearch(page, base);
  await page.getByTestId('versions-summary').filter({ hasText: '3 of these runtimes can be updated.' }).waitFor();
  for (const name of ['rt-default', 'rt-preview', 'rt-custom']) check((await badgeCount(page, name)) === 1, `${name} shows Update available`);
  check((await badgeCount(page, 'rt-fresh')) === 0, 'the newest runtime has no badge');
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
  await banner.getByTestId('update-banner-current').filter({ hasText: 'rt-default runs version 2024-01-11 (v2), 706 days old.' }).waitFor();
  await banner.getByTestId('update-banner-latest').filter({ hasText: 'The newest is version 2025-12-11 (v12), 5 days old, the final image: prompt flow runtime images get no more updates' }).waitFor();
  check((await banner.innerText()).includes('Choose Update to move it to the final image.') && !(await banner.innerText()).includes('newest version'), 'the banner offers the final image, not the newest version');
  check((await banner.getByTestId('update-banner-sources').count()) === 0, 'agreeing sources need no explanation');
  const bannerTop = await banner.evaluate((element) => element.getBoundingClientRect().top);
  const headingTop = await page.getByRole('heading', { level: 2, name: 'rt-default' }).evaluate((element) => element.getBoundingClientRect().top);
  check(bannerTop < headingTop, 'the banner is at the top of the page');
  await page.getByTestId('details-version').filter({ hasText: 'version 2024-01-11 (v2), 706 days old' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'update-banner-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-theme="dark"]').waitFor();
  // Let Fluent's colour transitions finish before the picture.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'update-banner-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await backToList(page);

  await openRuntime(page, 'rt-preview');
  const sources = page.getByTestId('update-banner-sources');
  await sources.filter({ hasText: 'The container registry says: a newer version exists. The prompt flow service says: no update is needed.' }).waitFor();
  check((await sources.getAttribute('data-disagree')) === 'true', 'the sources disagree');
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
  await page.getByTestId('details-version').filter({ hasText: 'version 2025-12-11 (v12), 5 days old' }).waitFor();
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
  check(direct.includes('rt-preview: version 2025-06-01 (v3), 203 days old') && !direct.includes('rt-default'), `direct list: ${direct}`);
  await dialog.getByTestId('update-all-attention').filter({ hasText: 'rt-custom: environment pf-custom:1' }).waitFor();
  await dialog.getByTestId('update-all-already').filter({ hasText: 'rt-default' }).waitFor();
  // Other workspaces can join: ticking one checks its runtimes and names each runtime's workspace.
  const research = dialog.getByTestId('update-all-workspace-research-ml');
  const contoso = dialog.getByTestId('update-all-workspace-contoso-ml');
  check(await research.isChecked(), 'the workspace on screen is included');
  check(!(await contoso.isChecked()), 'other workspaces are not included until ticked');
  await contoso.check();
  await dialog.getByText('Update all outdated runtimes in 2 workspaces').waitFor();
  await dialog.getByTestId('update-all-direct').filter({ hasText: 'research-ml/rt-preview' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'update-all-two-workspaces-light.png') });
  await contoso.uncheck();
  await dialog.getByText('Update all outdated runtimes in research-ml').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SHOTS, 'update-all-confirm-light.png') });
  await dialog.getByTestId('update-all-confirm').click();
  await page.getByTestId('update-all-running').waitFor();
  const summary = page.getByTestId('update-all-summary');
  await summary.getByTestId('update-all-headline').filter({ hasText: '0 updated, 1 failed, 1 need attention, 1 already being updated.' }).waitFor({ timeout: 30_000 });
  check((await summary.getByTestId('update-all-item-rt-preview').getAttribute('data-outcome')) === 'failed', 'rt-preview failed');
  await summary.getByTestId('update-all-item-rt-preview').filter({ hasText: 'not newer than' }).waitFor();
  check((await summary.getByTestId('update-all-item-rt-default').getAttribute('data-outcome')) === 'alreadyUpdating', 'rt-default was not updated twice');
  check((await summary.getByTestId('update-all-item-rt-custom').getAttribute('data-outcome')) === 'needsAttention', 'rt-custom needs attention');
  await summary.getByTestId('update-all-from-line').filter({ hasText: 'FROM mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v12' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'update-all-summary-light.png'), fullPage: true });
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByTestId('activity').getByText('Update runtime rt-preview to the newest image').waitFor();
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
  check(await page.getByTestId('check-updates-at-startup').count() === 0, 'the app reopens on Welcome');
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

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  // A failure screenshot from an earlier run would tell of a failure this run may not have.
  for (const name of readdirSync(SHOTS)) if (name.startsWith('failed-')) rmSync(join(SHOTS, name));
  const server = await serve(PAGES);
  const base = `http://127.0.0.1:${server.address().port}/`;
  // Playwright gives every launch a fresh, empty profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  let passed = 0;
  let failed = 0;
  try {
    for (const { name, body } of tests) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
      const started = Date.now();
      try {
        await body({ page, base });
        check(pageErrors.length === 0, `the page reported errors: ${pageErrors.join('; ')}`);
        passed += 1;
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${name}\n     ${String(error.message ?? error).split('\n').join('\n     ')}`);
        await page.screenshot({ path: join(SHOTS, `failed-${name.replace(/\W+/g, '-')}.png`) }).catch(() => {});
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`screenshots: ${SHOTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
