// What people do on wikid, in Debian's chromium (issue 21): each journey
// with JavaScript on and again in a browser context with JavaScript off,
// since no form of wikid needs it.
//
// Usage: node journeys.js BASE_URL OUTDIR
// BASE_URL is the wiki tests/integration/browser_test.cc has filled (the
// accounts Reader and Boss below). Every journey makes what else it needs
// under names of its own, so the two runs go at the same time. OUTDIR gets
// a screenshot of the page a failed step was on, and journeys.txt. Exits 0
// if every journey passed, 1 if any failed, 2 on a broken run.
'use strict';

const path = require('path');
const { main } = require('./run.js');

const [baseUrl, outDir] = process.argv.slice(2);
if (!baseUrl || !outDir) {
  console.error('usage: node journeys.js BASE_URL OUTDIR');
  process.exit(2);
}

const reader = { name: 'Reader', password: 'reader-password' };
const boss = { name: 'Boss', password: 'boss-password' };

function check(condition, what) {
  if (!condition) throw new Error(what);
}

// Clicks `selector` and waits for the page it leads to; its response.
async function submit(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

async function go(page, urlPath, status = 200) {
  const response = await page.goto(baseUrl + urlPath);
  check(response.status() === status, `${urlPath}: status ${response.status()}, expected ${status}`);
  return response;
}

// The account the header's link leads to (it shows the display name), or
// '' when logged out.
async function signedInAs(page) {
  const link = page.locator('header.site a.user');
  if (!await link.count()) return '';
  return decodeURIComponent((await link.getAttribute('href')).replace(/^\/_user\//, ''));
}

async function logIn(page, who) {
  await go(page, '/_login');
  await page.fill('#field\\.name', who.name);
  await page.fill('#field\\.password', who.password);
  await submit(page, 'form[action="/_login"] button[type=submit]');
  check(await signedInAs(page) === who.name, `${who.name} is not logged in after the login form`);
}

async function logOut(page) {
  await submit(page, 'form.logout button[type=submit]');
  check(await signedInAs(page) === '', 'still logged in after Log out');
  check(await page.locator('header.site a[href^="/_login"]').count() === 1, 'no Log in link');
}

// The text of the page's content (its rendered Markdown).
async function content(page) {
  return page.locator('main').innerText();
}

// Sign up, log out, log in again.
async function signUpLogOutLogIn(page, walker) {
  await go(page, '/_signup');
  await page.fill('#field\\.name', walker.name);
  await page.fill('#field\\.email', `${walker.name.toLowerCase()}@example.org`);
  await page.fill('#field\\.password', walker.password);
  await page.fill('#field\\.password2', walker.password);
  await submit(page, 'form[action="/_signup"] button[type=submit]');
  check(await signedInAs(page) === walker.name, 'not logged in after signing up');
  await logOut(page);
  await logIn(page, walker);
}

// Type into the open edit form and press one of its buttons.
async function editAndPress(page, text, button, summary = '') {
  await page.fill('#field\\.text', text);
  if (summary) await page.fill('#field\\.summary', summary);
  return submit(page, `button[name=action][value=${button}]`);
}

// Create a page, then edit it: preview, show changes, save.
async function createAndEdit(page, title) {
  await go(page, `/_edit/${title}`);
  await editAndPress(page, 'First line.\n\nSecond line.\n\nThird line.\n', 'save', 'new');
  check(new URL(page.url()).pathname === `/${title}`, `the save landed on ${page.url()}`);
  check((await content(page)).includes('Second line.'), 'the new page does not show its text');
  // Said once, on the page the save led to.
  check(await page.locator('p.flash').textContent() === 'Your edit was saved.', 'no saved notice');
  await page.reload();
  check(await page.locator('p.flash').count() === 0, 'the saved notice is shown twice');
  await submit(page, `a[href="/_edit/${title}"]`);
  const text = 'First line.\n\nSecond line, **edited**.\n\nThird line.\n';
  await editAndPress(page, text, 'preview');
  check(await page.locator('section.preview strong').textContent() === 'edited',
    'the preview does not show the edit');
  check(await page.inputValue('#field\\.text') === text, 'the preview lost the text');
  await editAndPress(page, text, 'changes');
  check(await page.locator('section.changes').count() === 1, 'no changes shown');
  const saved = await editAndPress(page, text, 'save', 'an edit');
  check(saved.status() === 200 && (await content(page)).includes('Second line, edited.'),
    'the edit is not on the page after Save');
}

// Two people edit one page at once: changes to different lines merge; to
// the same line, the second gets the conflict page with their text kept,
// and saves it again.
async function conflict(walkerPage, readerPage, title) {
  await go(walkerPage, `/_edit/${title}`);
  await go(readerPage, `/_edit/${title}`);
  await editAndPress(walkerPage, 'First line, Walker.\n\nSecond line, **edited**.\n\nThird line.\n', 'save');
  let answer = await editAndPress(readerPage,
    'First line.\n\nSecond line, **edited**.\n\nThird line, Reader.\n', 'save');
  check(answer.status() === 200, `a change to another line did not merge (${answer.status()})`);
  const merged = await content(readerPage);
  check(merged.includes('First line, Walker.') && merged.includes('Third line, Reader.'),
    'the merged page lacks one of the two changes');

  await go(walkerPage, `/_edit/${title}`);
  await go(readerPage, `/_edit/${title}`);
  await editAndPress(walkerPage, 'First line, Walker again.\n', 'save');
  const mine = 'First line, as Reader would have it.\n';
  answer = await editAndPress(readerPage, mine, 'save');
  check(answer.status() === 409, `the conflicting save answered ${answer.status()}, not 409`);
  check(await readerPage.inputValue('#field\\.text') === mine, 'the conflict page lost the text');
  check((await readerPage.inputValue('textarea.current')).includes('Walker again'),
    'the conflict page does not show the current text');
  answer = await submit(readerPage, 'button[name=action][value=save]');
  check(answer.status() === 200 && (await content(readerPage)).includes('as Reader would have it'),
    'saving again after the conflict did not save');
}

// Profile, password change (and logging in with the new one), API token.
async function profilePasswordToken(page, walker) {
  const home = `/_user/${walker.name}`;
  await go(page, `${home}/_edit`);
  await page.fill('#field\\.display_name', `${walker.name} Walks`);
  await submit(page, 'form button[type=submit]:text("Save")');
  check(new URL(page.url()).pathname === home, `the profile save landed on ${page.url()}`);
  check((await content(page)).includes(`${walker.name} Walks`), 'the profile lacks the new name');
  check(await page.locator('p.flash').textContent() === 'Your profile was saved.',
    'no notice of the saved profile');

  await go(page, `${home}/_password`);
  const newPassword = walker.password + '-changed';
  await page.fill('#field\\.current', walker.password);
  await page.fill('#field\\.password', newPassword);
  await page.fill('#field\\.password2', newPassword);
  await submit(page, 'form button[type=submit]:text("Change password")');
  check(await signedInAs(page) === walker.name, 'logged out by the password change');
  walker.password = newPassword;
  await logOut(page);
  await logIn(page, walker);

  await go(page, `${home}/_tokens`);
  await page.fill('#field\\.label', 'my script');
  await submit(page, 'form button[type=submit]:text("Make a token")');
  const token = (await page.locator('code.token').textContent()).trim();
  check(token.length >= 32, 'no new token shown');
  const api = await page.request.get(`${baseUrl}/_api/recent`,
    { headers: { Authorization: `Bearer ${token}` } });
  check(api.status() === 200, `the new token is refused by the API (${api.status()})`);
}

// An admin makes the walker an admin, then disables the account, each
// after a confirmation page; the walker's session ends with it.
async function promoteAndDisable(adminPage, walkerPage, walker) {
  const form = `form[action="/_admin/users/${walker.name}"]`;
  for (const [action, question, shown] of [
    ['promote', `Make ${walker.name} an admin?`, 'admin'],
    ['disable', `Disable ${walker.name}?`, 'disabled'],
  ]) {
    await go(adminPage, '/_admin/users');
    const asked = await submit(adminPage, `${form} button[value=${action}]`);
    check(asked.status() === 200, `${action}: the confirmation page answered ${asked.status()}`);
    check(await adminPage.locator('h1').textContent() === question, `${action}: no confirmation`);
    // Cancel leads back and changes nothing; the question is asked again.
    await submit(adminPage, 'article.confirm a:text("Cancel")');
    check(new URL(adminPage.url()).pathname === '/_admin/users', `${action}: Cancel led elsewhere`);
    await submit(adminPage, `${form} button[value=${action}]`);
    await submit(adminPage, 'article.confirm button[type=submit]');
    check(new URL(adminPage.url()).pathname === '/_admin/users', `${action}: not back at the list`);
    // The Role and State cells, not the buttons ("Make admin").
    const cells = adminPage.locator('tr', { has: adminPage.locator(`a:text-is("${walker.name}")`) })
      .locator('td');
    const said = `${await cells.nth(2).innerText()} ${await cells.nth(4).innerText()}`;
    check(said.split(' ').includes(shown), `${action}: the list does not say ${shown}: ${said}`);
  }
  await walkerPage.reload();
  check(await signedInAs(walkerPage) === '', 'the disabled account is still logged in');
}

async function run(browser, javaScript, lines) {
  const mode = javaScript ? 'js' : 'nojs';
  const walker = { name: `Walker-${mode}`, password: `walker-${mode}-password` };
  const contexts = [];
  const newPage = async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    contexts.push(context);
    return context.newPage();
  };
  const [walkerPage, readerPage, adminPage] = [await newPage(), await newPage(), await newPage()];
  const journeys = [
    ['sign up, log out, log in', () => signUpLogOutLogIn(walkerPage, walker)],
    ['create and edit a page', () => createAndEdit(walkerPage, `Journey_${mode}`)],
    ['an edit conflict', async () => {
      await logIn(readerPage, reader);
      await conflict(walkerPage, readerPage, `Journey_${mode}`);
    }],
    ['profile, password, API token', () => profilePasswordToken(walkerPage, walker)],
    ['promote and disable, confirmed', async () => {
      await logIn(adminPage, boss);
      await promoteAndDisable(adminPage, walkerPage, walker);
    }],
  ];
  let failed = 0;
  for (const [name, journey] of journeys) {
    const started = Date.now();
    try {
      await journey();
      lines.push(`ok   ${name} (${mode}, ${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      lines.push(`FAIL ${name} (${mode}): ${e.message.split('\n')[0]}`);
      const file = `journey-${mode}-${name.replace(/[^a-z]+/g, '-')}.png`;
      for (const [who, page] of [['walker', walkerPage], ['reader', readerPage], ['admin', adminPage]]) {
        await page.screenshot({ path: path.join(outDir, `${who}-${file}`), fullPage: true })
          .catch(() => {});
      }
      break;  // the journeys after it build on it
    }
  }
  for (const context of contexts) await context.close();
  return failed;
}

main(outDir, 'journeys.txt', async (browser, lines) => {
  const counts = await Promise.all([true, false].map((js) => run(browser, js, lines)));
  return counts.reduce((a, b) => a + b, 0);
});
