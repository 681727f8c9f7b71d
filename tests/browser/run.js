// The browser tests (issue 21) in one chromium: every view
// (views.js) and every journey (journeys.js), on the wikis tests/
// integration/browser_test.cc made.
//
// Usage: node run.js OUTDIR WIKIS
// WIKIS is JSON: { "filled": URL, "unwatchPath": PATH,
//   "fresh": { "js": { "url": URL, "token": SETUP_TOKEN }, "nojs": {...} } }:
// the wiki filled with what the views need, and two brand-new ones (no
// admin, no page) with their setup links' tokens, one for each mode of the
// first-run journey. The new wiki of the mode "js" shows the new wiki's
// views first, before its journey sets it up. Then the filled wiki's views
// and all the journeys go at once: the views look at what the journeys do
// not change (the journeys make their own pages and accounts), and the
// two keep chromium's and wikid's processes busy where either alone would
// wait on the other.
//
// OUTDIR gets the screenshots and `report.txt` (also on standard output).
// Exits 0 if every view and journey passed, 1 if any failed (each failure
// on a line of its own), 2 on a broken run.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const { checkViews } = require('./views.js');
const { walkJourneys } = require('./journeys.js');

// Seconds of CPU this process and every process under it (chromium's)
// have used, from /proc, or NaN where there is none. ctest's and time(1)'s
// counts miss most of chromium's: its helpers are not all waited for when
// it closes, so their time is never added to the test's.
function cpuSeconds() {
  const procs = new Map();
  try {
    for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        // After the name: state, ppid, ..., utime, stime, cutime, cstime
        // (fields 3, 4 and 14 to 17 of proc(5)), in ticks of 1/100 s.
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        procs.set(Number(pid), { ppid: Number(f[1]), ticks: +f[11] + +f[12] + +f[13] + +f[14] });
      } catch { /* gone since the listing */ }
    }
  } catch {
    return NaN;
  }
  let ticks = 0;
  const under = [process.pid];
  while (under.length) {
    const pid = under.pop();
    ticks += procs.get(pid)?.ticks || 0;
    for (const [child, p] of procs) if (p.ppid === pid) under.push(child);
  }
  return ticks / 100;
}

// Runs `part` (which returns how many checks failed) and adds a line of
// its wall time.
async function timed(name, lines, part) {
  const started = Date.now();
  const failed = await part();
  lines.push(`${name}: ${failed} failed, ${Date.now() - started} ms`);
  return failed;
}

async function run(outDir, wikis) {
  fs.mkdirSync(outDir, { recursive: true });
  const launched = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.WIKID_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives the browser a new empty profile folder of its own
    // (--user-data-dir) and removes it on close.
  });
  const lines = [`chromium started in ${Date.now() - launched} ms`];
  let failed = 0;
  try {
    const fresh = { baseUrl: wikis.fresh.js.url, outDir };
    failed += await timed('views of a new wiki', lines, () => checkViews(
      browser, fresh, 'fresh', { setupToken: wikis.fresh.js.token }, lines));
    const filled = { baseUrl: wikis.filled, outDir };
    const counts = await Promise.all([
      timed('views', lines, () => checkViews(
        browser, filled, 'filled', { unwatchPath: wikis.unwatchPath }, lines)),
      timed('journeys', lines, () => walkJourneys(browser, wikis, outDir, lines)),
    ]);
    failed += counts.reduce((a, b) => a + b, 0);
    lines.push(`node and chromium used ${cpuSeconds().toFixed(1)} s of CPU`);
  } finally {
    await browser.close();
  }
  lines.push(`${failed} failed, ${Date.now() - launched} ms`);
  fs.writeFileSync(path.join(outDir, 'report.txt'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  return failed;
}

const [outDir, wikisJson] = process.argv.slice(2);
if (!outDir || !wikisJson) {
  console.error('usage: node run.js OUTDIR WIKIS_JSON');
  process.exit(2);
}
run(outDir, JSON.parse(wikisJson)).then((failed) => process.exit(failed ? 1 : 0), (e) => {
  console.error(e && e.stack || e);
  process.exit(2);
});
