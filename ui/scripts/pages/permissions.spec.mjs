// Permissions: who may grant, grant to me / a person / an endpoint, assignments and revoke.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';
import { retype, pickWorkspace, openPermissions } from './helpers.mjs';

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
  await scoring.getByText('System-assigned identity 09cb17e2-9c8b-5a0a-9713-02981c487f2e').waitFor();
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

test('what you may grant is said for the chosen role and where it is granted', async ({ page, base }) => {
  await openPermissions(page, base, 'contoso', 'contoso-ml');
  const ability = page.getByTestId('grant-ability');
  await ability.filter({ hasText: 'You can give AzureML Data Scientist on contoso-ml' }).waitFor();
  await page.getByTestId('role-acrPull').check();
  await ability.filter({ hasText: 'You can give AcrPull on the container registry of contoso-ml' }).waitFor();
  await page.getByTestId('role-storageFileDataPrivilegedContributor').check();
  await ability.filter({ hasText: 'You can give Storage File Data Privileged Contributor on the storage account of contoso-ml' }).waitFor();
  check(!(await ability.innerText()).includes('Data Scientist'), 'the Data Scientist wording is gone for a storage role');
});
