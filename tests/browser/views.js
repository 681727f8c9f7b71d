// Every distinct view of wikid in a real browser (issue 21): Debian's
// chromium driven by playwright-core, each view checked at a desktop
// (1366x768) and a phone (390x844) size, in the light and the dark colour
// scheme, with axe-core, and photographed at both sizes.
//
// run.js calls checkViews for a wiki that tests/integration/browser_test.cc
// has made: with phase "fresh", a new one (no admin, no page; `env.
// setupToken` is its setup link's token); with "filled", one filled with
// the pages, accounts and file named in `allViews` below (`env.
// unwatchPath` is the link of a watch mail). OUTDIR gets a JPEG of each view
// at each size; each view adds a line to the report, and a line for each
// of its failures.
//
// A view fails when its answer has another status than the one listed,
// when axe-core reports a violation of impact serious or critical (each
// rule where its outcome can change: axeOptions), or when at 390 px the page is wider than
// the window (it would scroll sideways on a phone); at the desktop size,
// when the header takes more than one line or the page has no meta
// description; on paper (the page view), when navigation is printed or a
// code line is cut.
'use strict';

const fs = require('fs');
const path = require('path');
// axe-core's minified build, added to every document the browser opens
// (an init script: V8 compiles it once, where an evaluate of the source
// after each load cost a second a view).
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The accounts browser_test.cc makes.
const accounts = {
  user: { name: 'Reader', password: 'reader-password' },
  admin: { name: 'Boss', password: 'boss-password' },
};

// Typing in the edit form of the page Sandbox and pressing `button`.
function submitEdit(button, edit) {
  return async (page) => {
    await page.goto('/_edit/Sandbox');
    if (edit) await edit(page);
    else await page.fill('textarea[name=text]', 'A new first line.\n\n' + await page.inputValue('textarea[name=text]'));
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.click(`button[name=action][value=${button}]`),
    ]);
    return response;
  };
}

// Opening `urlPath` and pressing the button `selector`: the page it leads
// to (a confirmation, which is not confirmed).
function press(urlPath, selector) {
  return async (page) => {
    await page.goto(urlPath);
    const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return response;
  };
}

// Every distinct view: a name (its screenshots' file names), who looks
// (anon, user or admin), the status it answers with, and a path, or steps
// that end on it (a form's answer). Paths are the wiki's (each browser
// context has the wiki's address as its base URL).
const allViews = (env) => [
  // A new wiki, before anyone has written or set up anything.
  { name: 'welcome', as: 'anon', phase: 'fresh', path: '/' },
  { name: 'setup', as: 'anon', phase: 'fresh',
    path: '/_setup?token=' + (env.setupToken || '') },
  { name: 'front-page', as: 'anon', path: '/' },
  { name: 'page', as: 'anon', path: '/Sandbox', print: true },
  { name: 'page-as-admin', as: 'admin', path: '/Sandbox' },
  { name: 'old-revision', as: 'anon', path: '/Sandbox?rev=1' },
  { name: 'source', as: 'anon', path: '/_raw/Sandbox?rev=1', text: true },
  { name: 'edit-form', as: 'user', path: '/_edit/Sandbox' },
  { name: 'new-page-form', as: 'user', path: '/_edit/Brand_new' },
  { name: 'section-edit-form', as: 'user', path: '/_edit/Sandbox?section=1' },
  { name: 'preview', as: 'user', steps: submitEdit('preview') },
  { name: 'show-changes', as: 'user', steps: submitEdit('changes') },
  {
    // A save on top of revision 1 that changes every line, so it cannot
    // merge with the revisions saved since.
    name: 'conflict-409', as: 'user', status: 409,
    steps: submitEdit('save', async (page) => {
      await page.evaluate(() => { document.querySelector('input[name=base_rev]').value = '1'; });
      await page.fill('textarea[name=text]', 'Nothing of the old text is left.\n');
    }),
  },
  { name: 'history', as: 'anon', path: '/_history/Sandbox' },
  { name: 'diff', as: 'anon', path: '/_diff/Sandbox?from=1&to=3' },
  { name: 'restore', as: 'user', path: '/_restore/Sandbox?rev=1' },
  { name: 'search-results', as: 'anon', path: '/_search?q=sandbox' },
  { name: 'search-no-results', as: 'anon', path: '/_search?q=xylophonic' },
  { name: 'search-empty', as: 'anon', path: '/_search' },
  { name: 'all-pages', as: 'anon', path: '/_pages' },
  { name: 'recent-changes', as: 'anon', path: '/_recent' },
  { name: 'orphans', as: 'anon', path: '/_orphans' },
  { name: 'wanted', as: 'anon', path: '/_wanted' },
  { name: 'what-links-here', as: 'anon', path: '/_links/Sandbox' },
  { name: 'login', as: 'anon', path: '/_login' },
  { name: 'signup', as: 'anon', path: '/_signup' },
  { name: 'profile', as: 'anon', path: '/_user/Reader' },
  { name: 'own-profile', as: 'user', path: '/_user/Reader' },
  { name: 'profile-edit', as: 'user', path: '/_user/Reader/_edit' },
  { name: 'password', as: 'user', path: '/_user/Reader/_password' },
  { name: 'api-tokens', as: 'user', path: '/_user/Reader/_tokens' },
  { name: 'admin-users', as: 'admin', path: '/_admin/users' },
  { name: 'admin-mail', as: 'admin', path: '/_admin/mail' },
  { name: 'admin-cache', as: 'admin', path: '/_admin/cache' },
  { name: 'upload', as: 'user', path: '/_upload' },
  { name: 'file-page', as: 'anon', path: '/_file-page/Diagram.png' },
  { name: 'files', as: 'anon', path: '/_files' },
  { name: 'help', as: 'anon', path: '/_help' },
  { name: 'missing-page-404', as: 'anon', path: '/No_such_page', status: 404 },
  { name: 'no-such-view-404', as: 'anon', path: '/_nothing_here', status: 404 },
  { name: 'forbidden-403', as: 'user', path: '/_admin/users', status: 403 },
  { name: 'move-form', as: 'user', path: '/_move/Lonely' },
  { name: 'delete-confirmation', as: 'admin', path: '/_delete/Lonely' },
  { name: 'deleted-410', as: 'anon', path: '/Gone', status: 410 },
  { name: 'deleted-410-as-admin', as: 'admin', path: '/Gone', status: 410 },
  { name: 'watchlist', as: 'user', path: '/_watchlist' },
  { name: 'confirm-promote', as: 'admin',
    steps: press('/_admin/users', 'form[action="/_admin/users/Reader"] button[value=promote]') },
  { name: 'confirm-flush', as: 'admin',
    steps: press('/_admin/cache', 'form[action="/_admin/cache/flush"] button[type=submit]') },
  { name: 'unsubscribe', as: 'anon', path: env.unwatchPath || '/_unwatch' },
];

const sizes = [
  { name: 'desktop', width: 1366, height: 768 },
  { name: 'phone', width: 390, height: 844 },
];
const schemes = ['light', 'dark'];
// axe-core's rules whose outcome depends on colours, and those that
// depend on the layout (a target squeezed, a block that scrolls at 390 px).
const colourRules = ['color-contrast', 'link-in-text-block'];
const layoutRules = ['target-size', 'scrollable-region-focusable'];

// What axe runs for `size` and `scheme`: everything once (the desktop, in
// the light scheme); the colour rules again in the dark scheme (the same
// document, other colours); the layout rules again at the phone's width.
// axe is about half of a view's time, so each rule runs where its outcome
// can change, not at every size in every scheme. null: nothing to run.
function axeOptions(size, scheme) {
  const violations = { resultTypes: ['violations'] };
  if (size.name === 'desktop') {
    return scheme === 'dark'
      ? { ...violations, runOnly: { type: 'rule', values: colourRules } }
      // target-size (WCAG 2.2's 24 px targets) is off in axe's defaults.
      : { ...violations, rules: { 'target-size': { enabled: true } } };
  }
  return scheme === 'light' ? { ...violations, runOnly: { type: 'rule', values: layoutRules } } : null;
}

// The checks of one view at `size` in `scheme`, on `page` showing it
// there. Returns its failures (strings).
async function checkAt(page, view, size, scheme, time) {
  const failures = [];
  const where = `${view.name} at ${size.name} (${scheme})`;
  // Violations only: collecting passes would double axe's time.
  const options = axeOptions(size, scheme);
  if (!view.text && options) {
    const axeStarted = Date.now();
    const result = await page.evaluate((o) => window.axe.run(document, o), options);
    time.axe += Date.now() - axeStarted;
    for (const v of result.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
      failures.push(`${where}: axe ${v.impact} ${v.id} (${v.help}) on ${targets}`);
    }
  }
  if (size.name === 'desktop' && !view.text && scheme === 'light') {
    // The header's parts (name, links, search, account) on one line.
    const tops = await page.evaluate(() => [...document.querySelectorAll('header.site > *')]
      .map((e) => Math.round(e.getBoundingClientRect().top)));
    if (Math.max(...tops) - Math.min(...tops) > 16) {
      failures.push(`${where}: the header wraps (its parts' tops: ${tops.join(', ')})`);
    }
    const description = await page.evaluate(
      () => document.querySelector('meta[name=description]')?.content || '');
    if (!description) failures.push(`${where}: no meta description`);
  }
  if (size.name === 'phone') {
    const [scrollWidth, innerWidth] = await page.evaluate(
      () => [document.documentElement.scrollWidth, window.innerWidth]);
    if (scrollWidth > innerWidth) {
      failures.push(`${where}: ${scrollWidth} px wide in a ${innerWidth} px window`);
    }
  }
  return failures;
}

// Screenshots are for people to look at (nothing compares them): the top
// of a page, at most this many pixels of it. The admin's mail was 16,000
// px long, a quarter of all the pixels, and its rows repeat.
const shotHeight = 4000;

// Every check of one view, at both sizes and in both schemes, on `page`
// already showing it at the size and in the scheme `shown` names, where
// the last view left it: each view changes the size once and the scheme
// twice (each change lays the page out again), and leaves the page in the
// light scheme, where the next view loads and each screenshot is taken.
// Returns its failures (strings).
async function checkView(page, view, time, outDir, shown) {
  const failures = [];
  const first = sizes.find((size) => size.name === shown.size);
  for (const size of [first, ...sizes.filter((other) => other !== first)]) {
    if (shown.size !== size.name) {
      await page.setViewportSize({ width: size.width, height: size.height });
      shown.size = size.name;
    }
    for (const scheme of [shown.scheme, ...schemes.filter((other) => other !== shown.scheme)]) {
      if (shown.scheme !== scheme) {
        await page.emulateMedia({ colorScheme: scheme });
        shown.scheme = scheme;
      }
      failures.push(...await checkAt(page, view, size, scheme, time));
      if (scheme !== 'light') continue;
      if (view.print) failures.push(...await checkPrint(page, `${view.name} at ${size.name}`));
      const shotStarted = Date.now();
      // JPEG: quicker to encode than PNG (about a third, for a long page).
      await page.screenshot({
        path: path.join(outDir, `${view.name}-${size.name}.jpg`), fullPage: true, caret: 'hide',
        clip: { x: 0, y: 0, width: size.width, height: shotHeight }, type: 'jpeg', quality: 80,
      });
      time.screenshots += Date.now() - shotStarted;
    }
  }
  if (shown.scheme !== 'light') {
    await page.emulateMedia({ colorScheme: 'light' });
    shown.scheme = 'light';
  }
  return failures;
}

// On paper (the print stylesheet): no navigation, and every code line
// whole, wrapped where a screen scrolls it.
async function checkPrint(page, where) {
  await page.emulateMedia({ media: 'print' });
  const found = await page.evaluate(() => ({
    nav: [...document.querySelectorAll('nav')].filter((e) => e.offsetParent !== null
      && !e.classList.contains('toc')).length,
    cut: [...document.querySelectorAll('pre')].filter((e) => e.scrollWidth > e.clientWidth).length,
  }));
  await page.emulateMedia({ media: 'screen' });
  const failures = [];
  if (found.nav) failures.push(`${where} (print): ${found.nav} navigation bars printed`);
  if (found.cut) failures.push(`${where} (print): ${found.cut} code blocks cut at the right`);
  return failures;
}

async function logIn(page, who) {
  await page.goto('/_login');
  await page.fill('#field\\.name', who.name);
  await page.fill('#field\\.password', who.password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.click('form[action="/_login"] button[type=submit]'),
  ]);
  // A login that worked lands on the front page, not back on the form.
  if (new URL(page.url()).pathname === '/_login') {
    throw new Error(`could not log in as ${who.name} (${response && response.status()})`);
  }
}

// One person's views, one after another, in a page of their own.
async function runAs(browser, site, views, role, lines) {
  const context = await browser.newContext({ viewport: sizes[0], baseURL: site.baseUrl });
  // Generous, as a loaded machine can take tens of seconds for a page.
  context.setDefaultTimeout(180000);
  await context.addInitScript({ content: axeSource });
  const page = await context.newPage();
  // The size and scheme the page shows (checkView changes them).
  const shown = { size: sizes[0].name, scheme: 'light' };
  if (role !== 'anon') await logIn(page, accounts[role]);
  let failed = 0;
  for (const view of views.filter((v) => v.as === role)) {
    const started = Date.now();
    const time = { axe: 0, screenshots: 0 };
    const response = view.steps ? await view.steps(page) : await page.goto(view.path);
    const failures = [];
    const want = view.status || 200;
    const got = response ? response.status() : 0;
    if (got !== want) failures.push(`${view.name}: status ${got}, expected ${want}`);
    const loaded = Date.now();
    failures.push(...await checkView(page, view, time, site.outDir, shown));
    lines.push(`${failures.length ? 'FAIL' : 'ok  '} ${view.name} (${role}, ${Date.now() - started} ms: `
      + `${loaded - started} to load, ${time.axe} in axe, ${time.screenshots} in screenshots)`);
    for (const f of failures) lines.push(`  ${f}`);
    if (failures.length) failed++;
  }
  await context.close();
  return failed;
}

// Checks the views of `phase` ("fresh" or "filled") on the wiki at
// `site.baseUrl`, writing their screenshots to `site.outDir`; `env` holds
// what the list needs from browser_test (setupToken, unwatchPath).
// Returns how many views failed.
async function checkViews(browser, site, phase, env, lines) {
  const views = allViews(env).filter((v) => (v.phase || 'filled') === phase);
  // The three people look at the same time.
  const counts = await Promise.all(['anon', 'user', 'admin']
    .filter((role) => views.some((v) => v.as === role))
    .map((role) => runAs(browser, site, views, role, lines)));
  lines.push(`${views.length} views (${phase})`);
  return counts.reduce((a, b) => a + b, 0);
}

module.exports = { checkViews };
