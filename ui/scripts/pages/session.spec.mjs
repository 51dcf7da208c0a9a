// Session: sign-in choices, sandbox, account menu and banners. The answers are the core
// session's in the emulator's `returning` world (Alice of Contoso, a guest in Fabrikam, and
// Carol) and its default sandbox (Alice); see src/mock/sessionMock.ts.
import { join } from 'node:path';
import { test, check, SHOTS } from './harness.mjs';

test('try the sandbox: banner, who you are, and on to runtimes', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Try the sandbox' }).click();
  await page.getByTestId('sandbox-banner').filter({ hasText: 'Sandbox — nothing here touches Azure' }).waitFor();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice' }).waitFor();
  await page.getByTestId('welcome-who-name').filter({ hasText: 'Signed in as Alice' }).waitFor();
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
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice' }).waitFor();
});

test('browser sign-in waits for the browser and can be cancelled', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with your browser' }).click();
  await page.getByText('Finish signing in in your browser').waitFor();
  // The spinner, the words and Cancel sit on one line, so Cancel is where the eye finishes reading.
  const waiting = page.getByTestId('sign-in-waiting-browser');
  const [spinner, words, cancel] = await Promise.all([
    // The spinner is decoration (hidden from screen readers): the words say what is awaited.
    waiting.locator('.fui-Spinner').boundingBox(),
    waiting.getByRole('status').boundingBox(),
    waiting.getByRole('button', { name: 'Cancel' }).boundingBox(),
  ]);
  check(spinner.x + spinner.width <= words.x && words.x + words.width <= cancel.x, 'spinner, words and Cancel should run left to right');
  const middle = (box) => box.y + box.height / 2;
  check(Math.abs(middle(spinner) - middle(cancel)) < 4, `the spinner and Cancel should share a line (${middle(spinner)} vs ${middle(cancel)})`);
  await page.screenshot({ path: join(SHOTS, 'sign-in-browser-waiting-light.png') });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('sign-in-choices').waitFor();
  const errors = await page.getByTestId('error-message').allTextContents();
  check(errors.length === 0, `cancelling is not an error, the page shows: ${errors.join(' | ')}`);
});

test('device code dialog shows the code and the page, copies, and cancels', async ({ page, base }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with a code' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByTestId('device-code-code').filter({ hasText: 'FKX4QPT2L' }).waitFor();
  await dialog.getByTestId('device-code-url').filter({ hasText: 'https://login.emulator.invalid/devicelogin' }).waitFor();
  await dialog.getByRole('button', { name: 'Copy code' }).click();
  await dialog.getByTestId('device-code-copied-code').filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === 'FKX4QPT2L', `the clipboard holds ${copied}`);
  await page.screenshot({ path: join(SHOTS, 'sign-in-device-code-light.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('alertdialog').waitFor({ state: 'detached' });
  await page.getByTestId('sign-in-choices').waitFor();
});

test('a failed Azure CLI sign-in says what to do', async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
  await page.getByTestId('error-text').filter({ hasText: 'The Azure CLI is not signed in.' }).waitFor();
  const remedy = await page.getByTestId('error-remedy').textContent();
  check(remedy?.startsWith('Run `az login`'), `remedy was ${remedy}`);
  await page.getByTestId('sign-in-choices').waitFor();
});

test('account menu: who, accounts, directories, add account and sign out', async ({ page, base }) => {
  await page.goto(`${base}?scenario=azure-cli`);
  await page.getByRole('button', { name: 'Use my Azure CLI sign-in' }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('account-menu-user-name').filter({ hasText: 'alice@contoso.com' }).waitFor();
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
  await page.waitForFunction(() => document.querySelector('[data-testid="tenant-9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e"]')?.getAttribute('aria-checked') === 'true');
  check((await fabrikam.getAttribute('aria-checked')) === 'true', 'the chosen directory is current');
  await page.keyboard.press('Escape');
  // Add Carol's account in the browser: she becomes the active account, Alice stays signed in.
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Add account' }).click();
  await page.getByRole('heading', { name: 'Add another account' }).waitFor();
  check((await page.getByRole('button', { name: 'Try the sandbox' }).count()) === 0, 'no sandbox while adding an account');
  await page.getByRole('button', { name: 'Sign in with your browser' }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Carol' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitemradio', { name: /Alice/ }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice' }).waitFor();
  // Signing Alice out leaves Carol signed in; signing Carol out too ends on the sign-in choices.
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByTestId('account-menu-name').filter({ hasText: 'Carol' }).waitFor();
  await page.getByTestId('account-menu-button').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByTestId('account-sign-in').waitFor();
  await page.getByTestId('sign-in-choices').waitFor();
});

test('banners for a memory-only session and an expired sign-in', async ({ page, base }) => {
  await page.goto(`${base}?scenario=memory-only`);
  await page.getByTestId('memory-only-banner').filter({ hasText: 'Sign-ins last until you close the app' }).waitFor();
  await page.goto(`${base}?scenario=sign-in-required`);
  await page.getByTestId('sign-in-required-banner').filter({ hasText: 'Alice' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'sign-in-required-light.png') });
  await page.getByRole('tab', { name: /Activity/ }).click();
  await page.getByRole('button', { name: 'Sign in again' }).click();
  await page.getByTestId('sign-in-choices').waitFor();
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
  await page.getByTestId('account-menu-name').filter({ hasText: 'Alice' }).waitFor();
  await page.getByTestId('account-menu-button').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menu').waitFor();
  const inMenu = await page.evaluate(() => document.activeElement?.getAttribute('role'));
  check(inMenu?.startsWith('menuitem'), `Enter opens the menu with focus inside, was on ${inMenu}`);
});
