// What people do on wikid, in Debian's chromium (issue 21): each journey
// with JavaScript on and again in a browser context with JavaScript off,
// since no form of wikid needs it.
//
// run.js calls walkJourneys with the wikis tests/integration/browser_test.cc
// made: the filled one (the accounts Reader and Boss below) and, for each
// of the two modes, a brand-new wiki and its setup link's token. Every
// journey makes what else it needs under names of its own (with the
// mode in them), so the two modes walk at the same time, and so do the
// three people of each mode: a walker (sign up, edit, a conflict, history,
// profile, promoted and disabled), a typist (search, the refusals that keep
// what was typed, an admin's notices on their page) and a first admin (on
// the new wiki). A failed step leaves a screenshot of every page of its
// chain in OUTDIR; each journey adds a line to the report.
'use strict';

const path = require('path');

const reader = { name: 'Reader', password: 'reader-password' };
// How long a step may wait for its page: generous, as a loaded machine
// (the suite on two cores) can take tens of seconds for one.
const timeoutMs = 180000;
const boss = { name: 'Boss', password: 'boss-password' };

function check(condition, what) {
  if (!condition) throw new Error(what);
}

// Clicks `selector` and waits for the page it leads to; its response.
async function submit(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response;
}

// Opens `urlPath` (the context's wiki's) and checks its status.
async function go(page, urlPath, status = 200) {
  const response = await page.goto(urlPath);
  check(response.status() === status, `${urlPath}: status ${response.status()}, expected ${status}`);
  return response;
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

// The account the header's link leads to (it shows the display name), or
// '' when logged out.
async function signedInAs(page) {
  const link = page.locator('header.site a.user');
  if (!await link.count()) return '';
  return decodeURIComponent((await link.getAttribute('href')).replace(/^\/_user\//, ''));
}

// The one-time notice on the page (p.flash), or ''.
async function notice(page) {
  const flash = page.locator('p.flash');
  return await flash.count() ? (await flash.textContent()).trim() : '';
}

// The page says `words` once: on it now, and no more after a reload.
async function saidOnce(page, words, what) {
  check(await notice(page) === words, `${what}: the notice is "${await notice(page)}", not "${words}"`);
  await page.reload();
  check(await notice(page) === '', `${what}: the notice is shown twice`);
}

// The refusal's message (p.error), or ''.
async function error(page) {
  const shown = page.locator('main p.error');
  return await shown.count() ? (await shown.textContent()).trim() : '';
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

async function signUp(page, who) {
  await go(page, '/_signup');
  await page.fill('#field\\.name', who.name);
  await page.fill('#field\\.email', `${who.name.toLowerCase()}@example.org`);
  await page.fill('#field\\.password', who.password);
  await page.fill('#field\\.password2', who.password);
  await submit(page, 'form[action="/_signup"] button[type=submit]');
  check(await signedInAs(page) === who.name, `${who.name} is not logged in after signing up`);
}

// The text of the page's content (its rendered Markdown).
async function content(page) {
  return page.locator('main').innerText();
}

// Type into the open edit form and press one of its buttons.
async function editAndPress(page, text, button, summary = '') {
  await page.fill('#field\\.text', text);
  if (summary) await page.fill('#field\\.summary', summary);
  return submit(page, `button[name=action][value=${button}]`);
}

// Searches with the header's box, as people do (Enter sends it).
async function search(page, query) {
  await page.fill('header.site input[name=q]', query);
  const [response] = await Promise.all([
    page.waitForNavigation(), page.press('header.site input[name=q]', 'Enter'),
  ]);
  check(response.status() === 200, `the search for ${query} answered ${response.status()}`);
  return page.locator('ol.search-results a.hit-title').allInnerTexts();
}

// --- The walker ----------------------------------------------------------

// Sign up, log out, log in again.
async function signUpLogOutLogIn(page, walker) {
  await signUp(page, walker);
  await logOut(page);
  await logIn(page, walker);
}

// Create a page, then edit it: preview, show changes, save.
async function createAndEdit(page, title) {
  await go(page, `/_edit/${title}`);
  await editAndPress(page, 'First line.\n\nSecond line.\n\nThird line.\n', 'save', 'new');
  check(pathOf(page) === `/${title}`, `the save landed on ${page.url()}`);
  check((await content(page)).includes('Second line.'), 'the new page does not show its text');
  await saidOnce(page, 'Your edit was saved.', 'the save');
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
  // Its maker watches a new page.
  await submit(page, 'form.watch button[value="0"]');
  await saidOnce(page, 'The page is no longer on your watchlist.', 'unwatch');
  check(await page.locator('form.watch button[value="1"]').count() === 1, 'no Watch button');
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

// From the page to its history, a comparison of its first and latest
// revisions, and the first one restored (a new revision, said once).
async function historyDiffRestore(page, title) {
  await go(page, `/${title}`);
  await submit(page, 'nav.page-actions a:text-is("History")');
  check(pathOf(page) === `/_history/${title}`, `History led to ${page.url()}`);
  const latest = await page.locator('table.revisions tbody tr').count();
  check(latest >= 3, `the history lists ${latest} revisions`);
  await page.check('input[name=from][value="1"]');
  await page.check(`input[name=to][value="${latest}"]`);
  await submit(page, 'form.compare button[type=submit]');
  check(pathOf(page) === `/_diff/${title}`, `Compare led to ${page.url()}`);
  // The first revision's lines on the old side, the latest's on the new.
  check((await page.locator('.diff .side.old').allInnerTexts()).join('\n').includes('Second line.'),
    'the diff does not show the first revision\'s lines');
  check((await page.locator('.diff .side.new').allInnerTexts()).join('\n').includes('as Reader would'),
    'the diff does not show the latest revision\'s lines');

  await go(page, `/_history/${title}`);
  await submit(page, `a.restore[href$="rev=1"]`);
  check(await page.locator('h1').innerText() === `Restore revision 1 of ${title.replace(/_/g, ' ')}?`,
    'no restore confirmation');
  await submit(page, 'article.restore button[type=submit]');
  check(pathOf(page) === `/${title}`, `the restore landed on ${page.url()}`);
  const text = await content(page);
  check(text.includes('Second line.') && !text.includes('as Reader would'),
    'the page does not show the restored text');
  await saidOnce(page, 'The old revision was restored: it is the newest now.', 'the restore');
  await go(page, `/_history/${title}`);
  check(await page.locator('table.revisions tbody tr').count() === latest + 1,
    'the restore is not a new revision');
  check((await page.locator('table.revisions tbody tr').first().innerText())
    .includes('Restored revision 1'), 'the newest revision is not the restore');
}

// Profile, password change (and logging in with the new one), API token.
async function profilePasswordToken(page, walker) {
  const home = `/_user/${walker.name}`;
  await go(page, `${home}/_edit`);
  await page.fill('#field\\.display_name', `${walker.name} Walks`);
  await submit(page, 'form button[type=submit]:text("Save")');
  check(pathOf(page) === home, `the profile save landed on ${page.url()}`);
  check((await content(page)).includes(`${walker.name} Walks`), 'the profile lacks the new name');
  check(await notice(page) === 'Your profile was saved.', 'no notice of the saved profile');

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
  const api = await page.request.get('/_api/recent', { headers: { Authorization: `Bearer ${token}` } });
  check(api.status() === 200, `the new token is refused by the API (${api.status()})`);
}

// An admin makes the walker an admin, then disables the account, each
// after a confirmation page and each said once; the walker's session ends
// with it.
async function promoteAndDisable(adminPage, walkerPage, walker) {
  const form = `form[action="/_admin/users/${walker.name}"]`;
  for (const [action, question, shown, said] of [
    ['promote', `Make ${walker.name} an admin?`, 'admin', 'The account is an admin now.'],
    ['disable', `Disable ${walker.name}?`, 'disabled',
      'The account was disabled and logged out everywhere.'],
  ]) {
    await go(adminPage, '/_admin/users');
    const asked = await submit(adminPage, `${form} button[value=${action}]`);
    check(asked.status() === 200, `${action}: the confirmation page answered ${asked.status()}`);
    check(await adminPage.locator('h1').textContent() === question, `${action}: no confirmation`);
    // Cancel leads back and changes nothing; the question is asked again.
    await submit(adminPage, 'article.confirm a:text("Cancel")');
    check(pathOf(adminPage) === '/_admin/users', `${action}: Cancel led elsewhere`);
    check(await notice(adminPage) === '', `${action}: a notice after Cancel`);
    await submit(adminPage, `${form} button[value=${action}]`);
    await submit(adminPage, 'article.confirm button[type=submit]');
    check(pathOf(adminPage) === '/_admin/users', `${action}: not back at the list`);
    // The Role and State cells, not the buttons ("Make admin").
    const cells = adminPage.locator('tr', { has: adminPage.locator(`a:text-is("${walker.name}")`) })
      .locator('td');
    const state = `${await cells.nth(2).innerText()} ${await cells.nth(4).innerText()}`;
    check(state.split(' ').includes(shown), `${action}: the list does not say ${shown}: ${state}`);
    await saidOnce(adminPage, said, action);
  }
  await walkerPage.reload();
  check(await signedInAs(walkerPage) === '', 'the disabled account is still logged in');
}

// --- The typist ----------------------------------------------------------

// A phrase, a prefix, and a search that finds nothing, whose offer to
// write the page writes it; the search finds it then.
async function searches(page, mode) {
  const title = `Typist notes ${mode}`;
  await go(page, `/_edit/${title.replace(/ /g, '_')}`);
  await editAndPress(page, `Quiet lakes of the north, kept by the typist (${mode}).\n`, 'save');
  let hits = await search(page, '"lakes of the north"');
  check(hits.includes(title), `the phrase search found ${JSON.stringify(hits)}, not ${title}`);
  hits = await search(page, '"north lakes"');
  check(!hits.includes(title), 'the phrase search matched the words in another order');
  hits = await search(page, `Typist not*`);
  check(hits.includes(title), `the prefix search found ${JSON.stringify(hits)}, not ${title}`);

  const missing = `Marsh birds ${mode}`;
  hits = await search(page, `"${missing}"`);
  check(hits.length === 0, `the search for a missing page found ${JSON.stringify(hits)}`);
  check(await page.locator('p.search-count').innerText() === 'No page matches.', 'no "No page matches."');
  // The offer names the page without the phrase's quotes.
  const offer = page.locator('p.search-create a');
  check((await page.locator('p.search-create').innerText()).includes(`“${missing}”`),
    `the offer is "${await page.locator('p.search-create').innerText()}"`);
  await Promise.all([page.waitForNavigation(), offer.click()]);
  check(pathOf(page) === `/_edit/${missing.replace(/ /g, '_')}`, `Create it led to ${page.url()}`);
  await editAndPress(page, 'Herons and bitterns.\n', 'save');
  check(await notice(page) === 'Your edit was saved.', 'no notice after the page made from search');
  hits = await search(page, 'bitterns');
  check(hits.includes(missing), `the new page is not found (${JSON.stringify(hits)})`);
}

// Every refusal of the edit form keeps what was typed: a text too long,
// a save after the session ended (log in first), the same form sent again
// after logging in in another tab (a new token needed), and a page that
// an admin protected meanwhile; the move form keeps a bad name and the
// reason.
async function refusalsKeepText(page, adminPage, typist, mode) {
  const title = `Typist_notes_${mode}`;
  const kept = async (status, answer, what, text) => {
    check(answer.status() === status, `${what}: answered ${answer.status()}, not ${status}`);
    check(await error(page) !== '', `${what}: no message says why`);
    check(await page.inputValue('#field\\.text') === text, `${what}: the text is lost`);
    check(await page.inputValue('#field\\.summary') === 'my summary', `${what}: the summary is lost`);
  };
  await go(page, `/_edit/${title}`);
  // browser_test starts the wiki with --max-page-bytes 4000.
  const long = 'A line of the typist\'s that goes on.\n'.repeat(120);
  await kept(413, await editAndPress(page, long, 'save', 'my summary'), 'too long', long);

  // The session ends in another tab (as it would by expiring).
  const text = 'Typed while the session ended.\n';
  const other = await page.context().newPage();
  await go(other, '/');
  await logOut(other);
  await kept(403, await editAndPress(page, text, 'save', 'my summary'), 'logged out', text);
  check((await error(page)).includes('log in'), `logged out: "${await error(page)}"`);
  await logIn(other, typist);
  await other.close();
  await kept(403, await submit(page, 'button[name=action][value=save]'), 'logged in since', text);
  check((await error(page)).startsWith('You logged in after this form was shown'),
    `logged in since: "${await error(page)}"`);
  await submit(page, 'button[name=action][value=save]');
  check((await content(page)).includes('Typed while the session ended.'), 'the third send did not save');

  // An admin protects the page while the typist edits it.
  await go(page, `/_edit/${title}`);
  await go(adminPage, `/${title}`);
  await submit(adminPage, 'button[name=protect][value="1"]');
  await saidOnce(adminPage, 'The page is protected: only admins may edit it now.', 'protect');
  const late = 'Typed before the page was protected.\n';
  await kept(403, await editAndPress(page, late, 'save', 'my summary'), 'protected', late);
  check(await page.locator('#field\\.text[readonly]').count() === 1, 'protected: the text is editable');
  await go(page, `/${title}`);
  check(await page.locator('nav.page-actions a:text-is("Edit")').count() === 0,
    'protected: the page offers Edit to a non-admin');
  await go(adminPage, `/${title}`);
  await submit(adminPage, 'button[name=protect][value="0"]');
  await saidOnce(adminPage, 'The page is no longer protected: anyone who may edit can.', 'unprotect');

  // A name the wiki reserves; the form keeps it and the reason.
  await go(page, `/_move/${title}`);
  await page.fill('#field\\.to', '_Reserved name');
  await page.fill('#field\\.reason', 'my reason');
  const moved = await submit(page, 'form[action^="/_move/"] button[type=submit]');
  check(moved.status() === 400, `a reserved name answered ${moved.status()}`);
  check(await error(page) !== '', 'a reserved name: no message says why');
  check(await page.inputValue('#field\\.to') === '_Reserved name' &&
    await page.inputValue('#field\\.reason') === 'my reason', 'a reserved name: the form is lost');
}

// The admin's other changes, each said once: the typist's page deleted
// (its 410 says so) and undeleted, and memcached emptied after its
// confirmation.
async function deleteUndeleteFlush(adminPage, mode) {
  const title = `Marsh_birds_${mode}`;
  await go(adminPage, `/_delete/${title}`);
  await adminPage.fill('#field\\.reason', 'a journey');
  const deleted = await submit(adminPage, 'form[action^="/_delete/"] button[type=submit]');
  check(deleted.status() === 410, `the deletion landed on a ${deleted.status()}`);
  await saidOnce(adminPage, 'The page was deleted.', 'delete');
  const undeleted = await submit(adminPage, 'section.deletion button[type=submit]');
  check(undeleted.status() === 200 && (await content(adminPage)).includes('Herons'),
    `the undelete landed on a ${undeleted.status()} without the text`);
  await saidOnce(adminPage, 'The page was undeleted, with its history.', 'undelete');

  await go(adminPage, '/_admin/cache');
  await submit(adminPage, 'form[action="/_admin/cache/flush"] button[type=submit]');
  check(await adminPage.locator('h1').textContent() === 'Empty every memcached server?',
    'flush: no confirmation');
  await submit(adminPage, 'article.confirm button[type=submit]');
  check(pathOf(adminPage) === '/_admin/cache', `flush: landed on ${adminPage.url()}`);
  await saidOnce(adminPage, 'Every memcached server was emptied.', 'flush');
}

// --- The first admin, on a new wiki --------------------------------------

// The welcome says how to start; the setup link makes the first admin
// (said once); the front page is written from the welcome's button.
async function firstRun(page, token, mode) {
  await go(page, '/');
  check((await page.locator('h1').innerText()).startsWith('Welcome to'), 'no welcome at /');
  check((await content(page)).includes('setup-link'), 'the welcome does not say how to set up');
  const admin = { name: `First-${mode}`, password: `first-${mode}-password` };
  await go(page, `/_setup?token=${token}`);
  await page.fill('#field\\.name', admin.name);
  await page.fill('#field\\.password', admin.password);
  await page.fill('#field\\.password2', admin.password);
  await submit(page, 'form[action="/_setup"] button[type=submit]');
  check(pathOf(page) === '/_admin/users', `the setup landed on ${page.url()}`);
  check(await signedInAs(page) === admin.name, 'the first admin is not logged in');
  check(await page.locator('header.site a[href="/_admin/users"]').count() === 1,
    'the first admin has no Admin link');
  await saidOnce(page, 'You are this wiki\'s first admin. The setup link is spent; more admins '
    + 'are made here, from accounts that signed up.', 'the setup');
  await go(page, `/_setup?token=${token}`, 404);

  await go(page, '/');
  check(!(await content(page)).includes('setup-link'), 'the welcome still asks for an admin');
  await submit(page, 'a.button:text("write the front page")');
  await editAndPress(page, `# Our wiki\n\nStarted by ${admin.name}.\n`, 'save', 'the first page');
  check(await notice(page) === 'Your edit was saved.', 'no notice after the first page');
  await go(page, '/');
  check((await content(page)).includes(`Started by ${admin.name}.`), '/ does not show the first page');
}

// --- Walking ---------------------------------------------------------------

// Runs `journeys` ([name, function]) one after another, each building on
// the last, in `pages` (named, for the screenshots of a failure): after a
// failure the rest are skipped. Returns how many failed (0 or 1).
async function chain(outDir, mode, pages, journeys, lines) {
  for (const [name, journey] of journeys) {
    const started = Date.now();
    try {
      await journey();
      lines.push(`ok   ${name} (${mode}, ${Date.now() - started} ms)`);
    } catch (e) {
      lines.push(`FAIL ${name} (${mode}): ${e.message.split('\n')[0]}`);
      const file = `journey-${mode}-${name.replace(/[^a-z]+/g, '-')}.png`;
      for (const [who, page] of Object.entries(pages)) {
        await page.screenshot({ path: path.join(outDir, `${who}-${file}`), fullPage: true })
          .catch(() => {});
      }
      return 1;
    }
  }
  return 0;
}

// Every journey of one mode (JavaScript on or off): the three chains at
// once. Returns how many failed.
async function walk(browser, wikis, outDir, javaScript, lines) {
  const mode = javaScript ? 'js' : 'nojs';
  const contexts = [];
  const newPage = async (baseURL) => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript, baseURL });
    context.setDefaultTimeout(timeoutMs);
    contexts.push(context);
    return context.newPage();
  };
  const walker = { name: `Walker-${mode}`, password: `walker-${mode}-password` };
  const typist = { name: `Typist-${mode}`, password: `typist-${mode}-password` };
  const main = wikis.filled;
  const [walkerPage, readerPage, adminPage, typistPage, typistAdminPage, firstPage] =
    await Promise.all([main, main, main, main, main, wikis.fresh[mode].url].map(newPage));
  const page = `Journey_${mode}`;
  const counts = await Promise.all([
    chain(outDir, mode, { walker: walkerPage, reader: readerPage, admin: adminPage }, [
      ['sign up, log out, log in', () => signUpLogOutLogIn(walkerPage, walker)],
      ['create and edit a page', () => createAndEdit(walkerPage, page)],
      ['an edit conflict', async () => {
        await logIn(readerPage, reader);
        await conflict(walkerPage, readerPage, page);
      }],
      ['history, diff, restore', () => historyDiffRestore(walkerPage, page)],
      ['profile, password, API token', () => profilePasswordToken(walkerPage, walker)],
      ['promote and disable, confirmed', async () => {
        await logIn(adminPage, boss);
        await promoteAndDisable(adminPage, walkerPage, walker);
      }],
    ], lines),
    chain(outDir, mode, { typist: typistPage, admin: typistAdminPage }, [
      ['search: a phrase, a prefix, none and its page', async () => {
        await signUp(typistPage, typist);
        await searches(typistPage, mode);
      }],
      ['every refusal keeps the text', async () => {
        await logIn(typistAdminPage, boss);
        await refusalsKeepText(typistPage, typistAdminPage, typist, mode);
      }],
      ['delete, undelete, flush, said once', () => deleteUndeleteFlush(typistAdminPage, mode)],
    ], lines),
    chain(outDir, mode, { first: firstPage }, [
      ['first run, first admin, first page', () => firstRun(firstPage, wikis.fresh[mode].token, mode)],
    ], lines),
  ]);
  for (const context of contexts) await context.close();
  return counts.reduce((a, b) => a + b, 0);
}

// Walks every journey with JavaScript on and off, at once. `wikis`:
// { filled: URL, fresh: { js: { url, token }, nojs: { url, token } } }.
// Returns how many journeys failed.
async function walkJourneys(browser, wikis, outDir, lines) {
  const counts = await Promise.all([true, false].map((js) => walk(browser, wikis, outDir, js, lines)));
  return counts.reduce((a, b) => a + b, 0);
}

module.exports = { walkJourneys };
