// Runtimes: workspace picker, preflight checklist, wizard, details and delete, the smallest window.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { retype, pickWorkspace, openPermissions, openResearch, openRuntime, checkColumnsFit } from './helpers.mjs';

/** The full wizard, for the uncommon choices: Add runtime, then More options on the quick panel. */
async function openWizard(page, opener) {
  await page.getByTestId(opener).click();
  await page.getByTestId('quick-more-options').click();
  await page.getByTestId('add-runtime-wizard').waitFor();
}

test('quick path: the app reopens on the last page and workspace, and one panel creates a running runtime in two clicks', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await page.getByTestId('runtimes-empty').waitFor();
  // The next start opens where the user left off.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Runtimes' }).waitFor();
  await page.getByTestId('runtimes-empty').waitFor();
  check((await page.getByRole('tab', { name: 'Runtimes' }).getAttribute('aria-selected')) === 'true', 'the Runtimes tab is the selected one');
  let clicks = 0;
  await page.getByTestId('add-runtime').click();
  clicks += 1;
  const panel = page.getByTestId('quick-create');
  // A suggested name, checked by the backend; the running instance chosen; the default
  // environment; the restart said above the button that names it.
  await page.locator('[data-testid="quick-name"][data-valid="true"]').waitFor();
  check((await page.getByTestId('quick-name').inputValue()) === 'rt-ci-alex', 'the suggested name');
  await panel.getByText('This name is free to use.').waitFor();
  await page.getByTestId('quick-environment').filter({ hasText: 'the default one' }).waitFor();
  await page.getByTestId('quick-restart').filter({ hasText: 'adds a custom application to ci-alex and restarts the compute instance: notebooks, terminals and jobs on it stop.' }).waitFor();
  const button = page.getByTestId('quick-create-button');
  check((await button.textContent()) === 'Restart ci-alex and create runtime', `the button says ${await button.textContent()}`);
  const restartBottom = await page.getByTestId('quick-restart').evaluate((element) => element.getBoundingClientRect().bottom);
  const buttonTop = await button.evaluate((element) => element.getBoundingClientRect().top);
  check(restartBottom <= buttonTop, 'the restart is stated above the button');
  await page.screenshot({ path: join(SHOTS, 'quick-create-light.png'), fullPage: true });
  // A name already taken or against the rule is said at once, and nothing can be created.
  await page.getByTestId('quick-name').fill('bad_name');
  await panel.getByText('cannot be used as a runtime name').waitFor();
  check(await button.isDisabled(), 'no create with a rejected name');
  await page.getByTestId('quick-name').fill('rt-ci-alex');
  await page.locator('[data-testid="quick-name"][data-valid="true"]').waitFor();
  await button.click();
  clicks += 1;
  await page.getByTestId('operation-stage').waitFor();
  const row = page.getByTestId('runtime-row-rt-ci-alex');
  await row.waitFor({ timeout: 30_000 });
  check((await row.getAttribute('data-status')) === 'Running', 'the new runtime is running');
  await page.getByTestId('quick-created').filter({ hasText: 'Runtime rt-ci-alex was created.' }).waitFor();
  console.log(`quick path (page): launch to a running runtime in ${clicks} clicks`);
  check(clicks <= 4, `${clicks} clicks`);
  await page.screenshot({ path: join(SHOTS, 'quick-created-light.png'), fullPage: true });
});

test('a rejected runtime name shows the message and the remedy', async ({ page, base }) => {
  await page.goto(base);
  await page.getByTestId('welcome-runtimes').click();
  await pickWorkspace(page, 'contoso', 'contoso-ml');
  await openWizard(page, 'add-runtime');
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
  // The core's checklist for a workspace where everything is in order: thirteen checks.
  check((await toggle.textContent()) === 'Show the 13 checks', `the toggle says ${await toggle.textContent()}`);
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
  check((await page.locator('[data-testid^="check-"][data-status="passed"]').count()) === 13, 'every check is listed as passed');
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
      "Could not tell: Your permissions could not be read: The service failed or is unavailable, so pfrm could not check your permissions on workspace 'contoso-ml' (HTTP 503). Azure said: The service is temporarily unavailable. Please retry.",
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
  await openWizard(page, 'add-first-runtime');
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
  await openWizard(page, 'add-first-runtime');
  const wizard = page.getByTestId('add-runtime-wizard');
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 1 of 5: Name and compute instance' }).waitFor();
  await page.getByLabel('Runtime name').fill('my-runtime');
  // The stopped instance is started from the wizard, with progress.
  await page.getByTestId('wizard-instances').getByText('Stopped · Standard_NC6s_v3').waitFor();
  // What is wrong with the stopped instance reads as not met, with what to do.
  const problem = await page.getByTestId('wizard-instances').getByTestId('instance-problem').textContent();
  check(problem.startsWith('Not met: The compute instance is running. What to do: '), `the stopped instance says ${problem}`);
  // Not running does not block (the wizard can start it): amber, as the checklist shows warnings, not the red of a blocker.
  const [red, green, blue] = await page
    .getByTestId('wizard-instances')
    .getByTestId('instance-problem')
    .evaluate((element) => getComputedStyle(element).color.match(/\d+/g).map(Number));
  check(red > green && green > blue, `a warning reads in amber, not red: rgb(${red}, ${green}, ${blue})`);
  await page.getByTestId('start-ci-alex-gpu').click();
  await page.getByTestId('operation-stage').waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-start-instance-light.png') });
  await page.getByTestId('wizard-instances').getByText('Stopped · Standard_NC6s_v3').waitFor({ state: 'detached' });
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
  // The image is checked as soon as the environment is chosen: built from a Docker context into
  // the workspace's registry, nothing blocks.
  const imageChecks = page.getByTestId('wizard-image-checks');
  await page.locator('[data-testid="wizard-image-checks"][data-state="loaded"]').waitFor();
  check((await imageChecks.getByTestId('check-imageInAcr').getAttribute('data-status')) === 'passed', 'a Docker context image passes');
  check(!(await page.getByTestId('wizard-next').isDisabled()), 'nothing in the image blocks going on');
  await page.screenshot({ path: join(SHOTS, 'wizard-custom-environment-light.png') });
  await page.getByTestId('env-picker').click();
  await page.getByRole('option', { name: 'pf-custom : 3' }).click();
  await page.getByTestId('env-warning').waitFor({ state: 'detached' });
  // An image outside Azure Container Registry (here MCR's) blocks, with the remedy in view.
  await page.getByTestId('wizard-image-blocked').filter({ hasText: 'You cannot go on with this environment until this is met' }).waitFor();
  const remedy = await imageChecks.getByTestId('check-imageInAcr').getByTestId('check-remedy').textContent();
  check(remedy.startsWith('What to do: The runtime only takes images from Azure Container Registry'), `the remedy: ${remedy}`);
  check(await page.getByTestId('wizard-next').isDisabled(), 'an image that blocks stops the user going on');
  await page.screenshot({ path: join(SHOTS, 'wizard-image-blocked-light.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('[data-theme="dark"]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-image-blocked-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('env-default').check();
  await page.getByTestId('wizard-next').click();
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 4 of 5: Restart warning' }).waitFor();
  // As in the quick panel: the restart stated above the one button that names it, no checkbox, no Next.
  const restart = page.getByTestId('wizard-restart-create');
  check((await restart.textContent()) === 'Restart ci-alex-gpu and create runtime', `the restart button says ${await restart.textContent()}`);
  check((await page.getByTestId('wizard-next').count()) === 0, 'the restart step has no Next');
  check((await page.getByRole('checkbox').count()) === 0, 'the restart step has no checkbox');
  const warningBottom = await page.getByTestId('wizard-restart-warning').evaluate((element) => element.getBoundingClientRect().bottom);
  const restartTop = await restart.evaluate((element) => element.getBoundingClientRect().top);
  check(warningBottom <= restartTop, 'the restart is stated above the button');
  // The step's heading has the focus; the next Tab reaches the primary action.
  await page.keyboard.press('Tab');
  check(await restart.evaluate((element) => element === document.activeElement), 'the restart button is first in Tab order');
  await page.screenshot({ path: join(SHOTS, 'wizard-restart-light.png') });
  await page.keyboard.press('Enter');
  await page.getByTestId('wizard-step-title').filter({ hasText: 'Step 5 of 5: Create' }).waitFor();
  await page.getByTestId('wizard-summary').filter({ hasText: 'Runtime my-runtime on ci-alex-gpu, with a new custom application on the default environment.' }).waitFor();
  // While creating, the wizard says the date and the days left, even with the page notice hidden for the week.
  await page.getByTestId('wizard-retirement').filter({ hasText: 'Prompt flow retires on 2027-04-20, 135 days from today. This runtime will run the final image' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'wizard-create-retirement-light.png') });
  check(await page.getByTestId('wizard-create').isDisabled(), 'Create is off while creating (no double create)');
  // The core's stages of a creation (it passes on no service message while the runtime starts).
  await page.getByTestId('operation-stage').filter({ hasText: 'Starting the runtime' }).waitFor();
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
  // As the service gives it (the emulator's seed), fractions of a second and offset included.
  check(created.moment === '2024-02-01T09:00:00.0000000+00:00', `the exact moment stays with the date, was ${created.moment}`);
  check(created.text.includes('2024') && !created.text.includes('T09:00'), `Created should read as a date and time, was ${created.text}`);
  await page.screenshot({ path: join(SHOTS, 'runtime-details-smallest-window.png'), fullPage: true });
});

test('runtime details at 720×480 in the sandbox: the sandbox banner and the retirement notice take a line each, the details start on the first screen, and More unfolds the notice', async ({ page, base }) => {
  await page.setViewportSize({ width: 720, height: 480 });
  // The retirement notice is up (not hidden this week), and the user tries the sandbox.
  await page.goto(`${base}?scenario=retirement`);
  await page.getByTestId('sign-in-sandbox').click();
  await page.getByTestId('sandbox-banner').waitFor();
  await page.getByRole('tab', { name: 'Runtimes' }).click();
  await pickWorkspace(page, 'research', 'research-ml');
  await openRuntime(page, 'rt-default');
  await page.getByTestId('version-checking').waitFor({ state: 'detached' });
  await page.evaluate(() => window.scrollTo(0, 0));
  const notice = page.getByTestId('retirement-notice');
  await notice.filter({ hasText: 'Prompt flow retires on 2027-04-20: 135 days left' }).waitFor();
  const measure = () =>
    page.evaluate(() => {
      const height = (testId) => document.querySelector(`[data-testid="${testId}"]`).getBoundingClientRect().height;
      const details = document.querySelector('[data-testid="runtime-details"] dt').getBoundingClientRect();
      return { sandbox: height('sandbox-banner'), notice: height('retirement-notice'), detailsTop: details.top, detailsBottom: details.bottom, window: innerHeight };
    });
  const folded = await measure();
  // A line of text beside a small button in either banner (the title may wrap once beside it).
  check(folded.sandbox <= 56 && folded.notice <= 56, `each banner should fold to its title at 720×480: sandbox ${folded.sandbox} px, notice ${folded.notice} px`);
  check(folded.detailsBottom <= folded.window, `the runtime's first detail should be on the first screen: at ${folded.detailsTop}-${folded.detailsBottom} of ${folded.window} px`);
  await page.screenshot({ path: join(SHOTS, 'runtime-details-720x480-banners-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, 'runtime-details-720x480-banners-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  // More: the notice's whole text, the guide and "Hide until next week"; Less folds it again.
  await notice.getByRole('button', { name: 'More' }).click();
  await notice.filter({ hasText: 'security fixes included' }).waitFor();
  await notice.getByRole('button', { name: 'Open the migration guide' }).waitFor();
  await notice.getByRole('button', { name: 'Hide until next week' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'runtime-details-720x480-notice-unfolded-light.png') });
  await notice.getByRole('button', { name: 'Less' }).click();
  await notice.getByRole('button', { name: 'More' }).waitFor();
  // A taller window shows both banners whole.
  await page.setViewportSize({ width: 1100, height: 720 });
  await notice.getByRole('button', { name: 'Hide until next week' }).waitFor();
  await page.getByTestId('sandbox-banner').filter({ hasText: 'pretend workspace' }).waitFor();
});
