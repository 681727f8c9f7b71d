// What views.js and journeys.js share: Debian's chromium started the same
// way, a run that writes its report, and the exit codes (0 all passed, 1
// some failed, 2 a broken run).
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

// Starts chromium, calls `work(browser, lines)` (which returns how many
// checks failed and adds a line per check to `lines`), closes it, writes
// the lines to OUTDIR/`report` and to standard output, and exits.
async function runInChromium(outDir, report, work) {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.WIKID_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives the browser a new empty profile folder of its own
    // (--user-data-dir) and removes it on close.
  });
  const started = Date.now();
  const lines = [];
  let failed = 0;
  try {
    failed = await work(browser, lines);
  } finally {
    await browser.close();
  }
  lines.push(`${report}: ${failed} failed, ${Date.now() - started} ms`);
  fs.writeFileSync(path.join(outDir, report), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
  process.exit(failed ? 1 : 0);
}

function main(outDir, report, work) {
  runInChromium(outDir, report, work).catch((e) => {
    console.error(e && e.stack || e);
    process.exit(2);
  });
}

module.exports = { main };
