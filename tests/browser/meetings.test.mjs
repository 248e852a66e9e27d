// The meeting cycle in real Chromium, on the project's own prem.toml (its roles, workflows and
// [meetings]): a real kiosk and workspace (`prem serve`, `prem workspace serve`), two referrals
// sent through the kiosk's forms, endorsed by their LA manager and accepted by a reviewer in
// the browser, then LA business support lists both on their LA's next panel, the chair tries
// to save no agencies (an error page), business support agrees an action (refused first),
// publishes the agenda and prints it to PDF: every printed page carries the protective marking
// and no page holds two cases. Every new page (calendar, meeting, agenda, case with its
// meetings section, action register, extraordinary meeting, with and without errors) is
// checked with axe, with JavaScript on and off. Set-up and helpers follow workspace.test.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CARGO_RUN, REPO_ROOT, launchBrowser, axeCheck, formatViolations, fillPage, continueButton } from './lib.mjs';

const run = promisify(execFile);
const PASSPHRASE = 'browser-suite passphrase, not a secret';
const MARKING = 'OFFICIAL-SENSITIVE';
const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 300_000) };

let tmp;
let kiosk;
let inbox;
let browser;
/** name -> temporary password printed by `prem workspace user add` */
const temporary = {};
/** name -> { password, secret } once signed in for the first time */
const accounts = {};
/** pages checked with axe, for the summary at the end */
const checked = [];

// ---------------------------------------------------------------- processes

/** `cargo run -q -- --site SITE ARGS` (see CARGO_RUN); resolves to stdout, rejects with the log. */
function prem(site, args, { env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('cargo', [...CARGO_RUN, '--', '--site', site, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, RUST_LOG: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`prem ${args.join(' ')} exited ${code}:\n${err}${out}`))));
  });
}

/** Starts a long-running prem command; resolves when stderr matches every regex, with the matches. */
function startPrem(site, args, patterns, { env = {} } = {}) {
  const child = spawn('cargo', [...CARGO_RUN, '--', '--site', site, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, RUST_LOG: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prem ${args.join(' ')} did not start:\n${log}`)), 600_000);
    child.stderr.on('data', (d) => {
      log += d;
      const found = patterns.map((re) => log.match(re));
      if (found.every(Boolean)) {
        clearTimeout(timer);
        resolve(found.map((m) => m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`prem ${args.join(' ')} exited with ${code}:\n${log}`));
    });
  });
  return { child, ready, log: () => log };
}

/** Stops a server with SIGTERM (both drain and exit 0) and waits for it. */
async function stop(server) {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
  server.child.kill('SIGTERM');
  return exited;
}

async function writePrivate(file, text) {
  await fs.writeFile(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

/** A TOML string. JSON's escapes are valid in TOML basic strings. */
const q = (s) => JSON.stringify(String(s));

/**
 * A site folder of its own: prem.toml with [build] pointing at the repo's
 * content, forms and themes by absolute path. The data files (criteria,
 * glossary) are read from SITE/content/_data whatever build.content_dir says,
 * so `content` is also linked in.
 */
/** The project's own roles and workflows (everything from its first [[roles]] on). */
async function projectCasework() {
  const text = await fs.readFile(path.join(REPO_ROOT, 'prem.toml'), 'utf8');
  const at = text.indexOf('[[roles]]');
  assert.ok(at > 0, 'prem.toml declares its roles');
  return text.slice(at);
}

async function siteFolder(name, extra) {
  const dir = path.join(tmp, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.symlink(path.join(REPO_ROOT, 'content'), path.join(dir, 'content'));
  const toml = `# Written by tests/browser/meetings.test.mjs
[site]
name = "PREM"
title = "Partnership Reduction Exploitation Missing"
base_url = "http://127.0.0.1:8080"
language = "en-GB"

[partnership]
local_authorities = ["Gateshead", "Newcastle", "North Tyneside", "Northumberland", "South Tyneside", "Sunderland"]
contact_mailbox = "prem-coordinator@example.org"
contact_role = "PREM coordinator"

[build]
content_dir = ${q(path.join(REPO_ROOT, 'content'))}
forms_dir = ${q(path.join(REPO_ROOT, 'forms'))}
themes_dir = ${q(path.join(REPO_ROOT, 'themes'))}
output_dir = ${q(path.join(dir, 'public'))}

${extra}

${await projectCasework()}`;
  await fs.writeFile(path.join(dir, 'prem.toml'), toml);
  return dir;
}

// --------------------------------------------------------------------- TOTP

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits. */
function totp(secret, unix = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

// ------------------------------------------------------------------- set-up

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'prem-meetings-'));
  const pass = path.join(tmp, 'passphrase');
  await writePrivate(pass, `${PASSPHRASE}\n`);
  const keys = path.join(tmp, 'keys');
  await fs.mkdir(keys);
  const kioskSite = await siteFolder(
    'kiosk-site',
    `[kiosk]
reference_prefix = "PREM"
posts_per_minute = 100000
new_sessions_per_minute = 100000

[[kiosk.recipients]]
name = "police"
public_key = ${q(path.join(keys, 'police.pub'))}
`,
  );
  await prem(kioskSite, ['keygen', '--name', 'police', '--out', keys, '--passphrase-file', pass]);
  const kioskEnv = { PREM_KIOSK_DATA_DIR: path.join(tmp, 'kiosk-data'), PREM_BUILD_OUTPUT_DIR: path.join(tmp, 'public') };
  const token = (await prem(kioskSite, ['token', 'add', 'inbox'], { env: kioskEnv })).trim();
  const tokenFile = path.join(tmp, 'kiosk.token');
  await writePrivate(tokenFile, `${token}\n`);
  kiosk = startPrem(
    kioskSite,
    ['serve', '--addr', '127.0.0.1:0', '--internal-addr', '127.0.0.1:0'],
    [/serving the site and forms on (http:\/\/[^/\s]+)\//, /internal hand-over API on (http:\/\/[^/\s]+)\//],
    { env: kioskEnv },
  );
  const [kioskURL, internalURL] = await kiosk.ready;
  kiosk.url = kioskURL;
  const inboxSite = await siteFolder(
    'inbox-site',
    `[inbox]
addr = "127.0.0.1:0"
data_dir = ${q(path.join(tmp, 'inbox-data'))}
secret_key = ${q(path.join(keys, 'police.key'))}
passphrase_file = ${q(pass)}
posts_per_minute = 100000
new_sessions_per_minute = 100000
pull_interval_secs = 3600
pull_at_start = false

[[inbox.kiosks]]
name = "kiosk1"
url = ${q(internalURL)}
token_file = ${q(tokenFile)}
`,
  );
  // The form walk answers the last LA offered (Sunderland) as presenting and owning.
  for (const [name, role, la] of [
    ['rev.one', 'reviewer'],
    ['chair.one', 'chair'],
    ['lam.sunderland', 'la-manager', 'Sunderland'],
    ['bs.sunderland', 'business-support', 'Sunderland'],
    ['bs.nojs', 'business-support', 'Sunderland'],
  ]) {
    const out = await prem(inboxSite, ['workspace', 'user', 'add', name, '--role', role, ...(la ? ['--la', la] : [])]);
    const m = out.match(/shown once:\n(\S+)\n/);
    assert.ok(m, `temporary password in: ${out}`);
    temporary[name] = m[1];
  }
  inbox = startPrem(inboxSite, ['workspace', 'serve'], [/workspace on (http:\/\/[^/\s]+)\//]);
  [inbox.url] = await inbox.ready;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  const stopped = await Promise.all([stop(inbox), stop(kiosk)]);
  if (tmp && !process.env.PREM_KEEP_SITE) await fs.rm(tmp, { recursive: true, force: true });
  if (checked.length) process.stderr.write(`axe-checked ${checked.length} meeting pages: ${checked.join(', ')}\n`);
  for (const s of stopped) if (s) assert.equal(s.code, 0, `a server stopped on SIGTERM with ${JSON.stringify(s)}`);
});

// ------------------------------------------------------------------ helpers

/**
 * A browser context whose pages record what a user would not see but should
 * not happen: console errors (CSP violations are console errors), uncaught
 * exceptions, failed sub-resources. The inbox's own error statuses (401, 400,
 * 403, 404 pages) are expected, so a document's status is not a problem.
 */
async function newContext({ javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()) && msg.location()?.url === page.url()) return;
    problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${req.url()} (${why})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return { context, page, problems };
}

/**
 * Every inbox page: zero axe violations, the protective marking, a visible
 * <h1> inside <main>, no script at all (so it is the same page with
 * JavaScript off), no guidance-site links, and the expected HTTP status.
 */
async function checkPage(page, label, { status = null } = {}) {
  await page.waitForLoadState('load');
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, formatViolations(violations, `${label} ${page.url()}`));
  assert.ok(await page.locator('.app-marking').first().isVisible(), `${label}: protective marking`);
  assert.ok(await page.locator('main h1').first().isVisible(), `${label}: a visible h1 in main`);
  assert.equal(await page.locator('script').count(), 0, `${label}: no scripts`);
  for (const dead of ['/search/', '/glossary/', '/roadshow/', '/forms/']) {
    assert.equal(await page.locator(`a[href^="${dead}"]`).count(), 0, `${label}: no guidance link ${dead}`);
  }
  if (status !== null) {
    // The status of the response the page was rendered from (a form post's too).
    const res = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? null);
    assert.equal(res, status, `${label}: HTTP status`);
  }
  if (process.env.PREM_ARTEFACT_DIR) {
    const file = path.join(process.env.PREM_ARTEFACT_DIR, `meetings-${checked.length + 1}-${label.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true });
  }
  checked.push(label);
}

async function submitAndWait(page, buttonName) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: buttonName }).click()]);
}

async function signInWithPassword(page, name, password) {
  await page.goto(`${inbox.url}/login`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submitAndWait(page, 'Continue');
}

/** The key on the enrolment page, read as a person would read it. */
async function shownSecret(page) {
  return base32Decode((await page.locator('#secret').textContent()) || '');
}

/** A first sign-in: temporary password, a new password, enrolment. Leaves `page` on the list. */
async function firstSignIn(page, name, { check = false } = {}) {
  await signInWithPassword(page, name, temporary[name]);
  assert.equal(new URL(page.url()).pathname, '/login/password', `${name}: asked for a new password`);
  if (check) await checkPage(page, 'new password');
  const password = `${name} chose a long password`;
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Type the new password again').fill(password);
  await submitAndWait(page, 'Save password and continue');
  assert.equal(new URL(page.url()).pathname, '/login/enrol', `${name}: enrolment`);
  const secret = await shownSecret(page);
  if (check) {
    // The QR code is drawn on the server and loads as an image with a text alternative.
    const qr = page.locator('img.app-qr');
    assert.match((await qr.getAttribute('alt')) || '', /QR code/);
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth >= 200), 'the QR code loads');
    await checkPage(page, 'enrolment');
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await submitAndWait(page, 'Finish setting up and sign in');
    assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'a wrong code at enrolment');
    assert.ok(await page.locator('.govuk-error-summary').getByText('That code does not match').isVisible(), 'a precise message');
    assert.deepEqual(await shownSecret(page), secret, 'the same key is shown again');
    await checkPage(page, 'enrolment with error', { status: 401 });
  }
  await page.getByLabel('Code from your authenticator app').fill(totp(secret));
  await submitAndWait(page, 'Finish setting up and sign in');
  assert.equal(new URL(page.url()).pathname, '/', `${name}: signed in`);
  accounts[name] = { password, secret };
}

async function signOut(page) {
  await submitAndWait(page, 'Sign out');
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
}

/** Walks one kiosk form to its confirmation in the browser; returns the reference. */
async function submitReferral(formId, base = kiosk.url) {
  const { context, page } = await newContext();
  try {
    await page.goto(`${base}/forms/${formId}/`);
    await page.getByRole('button', { name: 'Start now' }).click();
    for (let step = 0; step < 60 && !page.url().endsWith('/check/'); step++) {
      const before = page.url();
      await fillPage(page);
      await (await continueButton(page)).click();
      await page.waitForLoadState('load');
      assert.notEqual(page.url(), before, `${formId}: ${before} did not move on`);
    }
    await page.locator('#declaration').check();
    await page.getByRole('button', { name: 'Accept and send' }).click();
    await page.waitForLoadState('load');
    return (await page.locator('.app-reference').textContent())?.trim();
  } finally {
    await context.close();
  }
}

/** Follows the link called `name` on the page. */
async function follow(page, name) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name, exact: true }).click()]);
}

/** The error summary is shown and each of its links reaches a field on the page. */
async function summaryReachesFields(page, label) {
  assert.ok(await page.locator('.govuk-error-summary').isVisible(), `${label}: error summary`);
  assert.match(await page.title(), /^Error: /, `${label}: the title says so first`);
  for (const href of await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    assert.equal(await page.locator(href).count(), 1, `${label}: error summary link ${href}`);
  }
}

/** Makes the move called `title` on the case `reference`, from the list, with a reason. */
async function move(page, reference, title) {
  await page.goto(`${inbox.url}/`);
  await follow(page, reference);
  await follow(page, title);
  await page.locator('#reason').fill('Set up by the meetings browser test.');
  await submitAndWait(page, title);
  assert.ok(await page.getByText(`${title}: done.`).isVisible(), `${title} on ${reference}`);
}

/** The text of each page of a PDF, from pdftotext (poppler-utils). */
async function pdfPageTexts(file) {
  const { stdout } = await run('pdfinfo', [file]);
  const pages = Number(stdout.match(/^Pages:\s+(\d+)/m)?.[1] || 0);
  const texts = [];
  for (let n = 1; n <= pages; n++) texts.push((await run('pdftotext', ['-f', String(n), '-l', String(n), file, '-'])).stdout);
  return texts;
}

let references = [];
let casePaths = [];
let meetingPath;
let extraPath;
/** Every meeting page visited, checked again with JavaScript off at the end. */
const pagesToRecheck = new Set();

test('two accepted cases are listed, their agenda published and printed as a marked pack', T, async () => {
  references = [await submitReferral('child-referral'), await submitReferral('child-referral')];
  const { context, page, problems } = await newContext();
  try {
    await firstSignIn(page, 'rev.one');
    await submitAndWait(page, 'Fetch new referrals now');
    await signOut(page);
    await firstSignIn(page, 'lam.sunderland');
    for (const r of references) await move(page, r, 'Endorse the referral');
    await signOut(page);
    await signInWithPassword(page, 'rev.one', accounts['rev.one'].password);
    await page.getByLabel('Code from your authenticator app').fill(totp(accounts['rev.one'].secret, Date.now() / 1000 + 30));
    await submitAndWait(page, 'Sign in');
    for (const r of references) await move(page, r, 'Accept: it meets the threshold');
    await signOut(page);

    // Business support lists both on the first meeting offered: the next Sunderland panel.
    await firstSignIn(page, 'bs.sunderland');
    for (const r of references) {
      await page.goto(`${inbox.url}/`);
      await follow(page, r);
      casePaths.push(new URL(page.url()).pathname);
      const select = page.locator('#listing-meeting');
      const first = await select.locator('option').nth(1).getAttribute('value');
      meetingPath = `/meetings/${first}`;
      await select.selectOption(first);
      await submitAndWait(page, 'List the case');
      assert.equal(await page.locator('.govuk-error-summary').count(), 1, 'the kind was not chosen');
      await summaryReachesFields(page, 'listing without its kind');
      await checkPage(page, 'case: listing refused', { status: 400 });
      await page.locator('#listing-kind').selectOption('new');
      await submitAndWait(page, 'List the case');
      assert.ok(await page.getByText('Listed for Sunderland PREM panel').isVisible());
    }
    await checkPage(page, 'case with its meetings section');
    pagesToRecheck.add(casePaths[0]);

    // An action refused without an owner or a due date, then agreed.
    await page.getByLabel('The action').fill('Return home interview within 72 hours');
    await submitAndWait(page, 'Agree the action');
    await summaryReachesFields(page, 'action refused');
    await checkPage(page, 'case: action refused', { status: 400 });
    await page.getByLabel('Owning agency').fill('Children\'s services');
    await page.getByLabel('Owning role').fill('Social worker');
    const due = new Date(Date.now() + 10 * 86400_000);
    await page.locator('#action-due-day').fill(String(due.getDate()));
    await page.locator('#action-due-month').fill(String(due.getMonth() + 1));
    await page.locator('#action-due-year').fill(String(due.getFullYear()));
    await submitAndWait(page, 'Agree the action');
    assert.ok(await page.getByText('Action agreed.').isVisible());

    for (const [p, label] of [['/meetings', 'calendar'], [meetingPath, 'meeting'], [`${meetingPath}/agenda`, 'agenda preview'], ['/actions', 'action register']]) {
      await page.goto(`${inbox.url}${p}`);
      await checkPage(page, label);
      pagesToRecheck.add(p);
    }
    await page.goto(`${inbox.url}${meetingPath}`);
    await submitAndWait(page, 'Publish the agenda');
    assert.ok(await page.getByText('Agenda published.').isVisible());
    await checkPage(page, 'meeting, agenda published');

    // The pack: printed to PDF by Chromium, the marking on every page, one case a page.
    await page.goto(`${inbox.url}${meetingPath}/agenda`);
    await checkPage(page, 'agenda as published');
    const file = path.join(tmp, 'pack.pdf');
    await fs.writeFile(file, await page.pdf({ preferCSSPageSize: true }));
    const texts = await pdfPageTexts(file);
    assert.ok(texts.length >= 2, `a page per case: ${texts.length} pages`);
    texts.forEach((t, n) => {
      assert.ok(t.includes(MARKING), `page ${n + 1} of ${texts.length} is marked:\n${t}`);
      const cases = references.filter((r) => t.includes(r));
      assert.ok(cases.length <= 1, `page ${n + 1} holds one case at most: ${cases}`);
    });
    for (const r of references) assert.ok(texts.some((t) => t.includes(r)), `${r} is in the pack`);
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the chair is refused saving no agencies accessibly; an extraordinary meeting is asked for', T, async () => {
  assert.ok(meetingPath, 'a meeting was listed before');
  const { context, page, problems } = await newContext();
  try {
    await firstSignIn(page, 'chair.one');
    await page.goto(`${inbox.url}${meetingPath}`);
    await page.getByRole('button', { name: 'Save the agencies' }).first().click();
    await page.waitForLoadState('load');
    await summaryReachesFields(page, 'no agencies');
    await checkPage(page, 'meeting: no agencies chosen', { status: 400 });
    await page.goto(`${inbox.url}${casePaths[0]}`);
    await submitAndWait(page, 'Request an extraordinary meeting');
    assert.ok(await page.getByText('the chair has been told').isVisible());
    extraPath = new URL(page.url()).pathname;
    await checkPage(page, 'extraordinary meeting requested');
    await submitAndWait(page, 'Record the meeting');
    await summaryReachesFields(page, 'convening without a record');
    await checkPage(page, 'extraordinary meeting: refused', { status: 400 });
    pagesToRecheck.add(extraPath);
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('with JavaScript off every meeting page works, and is accessible as rendered', T, async () => {
  assert.ok(pagesToRecheck.size >= 5, 'pages were visited first');
  const { context, page, problems } = await newContext({ javaScriptEnabled: false });
  // axe needs scripts to run, so the same pages, in the same session, are checked in a context
  // where every page script would be answered empty: the workspace has none (checkPage asserts
  // it), so that is what a browser with scripting off shows.
  const rendered = await browser.newContext({ javaScriptEnabled: true });
  try {
    await firstSignIn(page, 'bs.nojs');
    // A change with scripting off: an update recorded on the action agreed before.
    await page.goto(`${inbox.url}${casePaths[1]}`);
    await page.locator('summary', { hasText: 'Record an update' }).first().click();
    await page.getByLabel('What was reported').first().fill('Interview held; no disclosures.');
    const today = new Date();
    await page.locator('input[id$="-date-day"][id^="update-"]').first().fill(String(today.getDate()));
    await page.locator('input[id$="-date-month"][id^="update-"]').first().fill(String(today.getMonth() + 1));
    await page.locator('input[id$="-date-year"][id^="update-"]').first().fill(String(today.getFullYear()));
    await page.getByLabel('Who reported it (agency or role)').first().fill('Children\'s services');
    await submitAndWait(page, 'Record the update');
    assert.ok(await page.getByText('Update recorded.').isVisible(), 'an update without JavaScript');
    await rendered.route('**/*', (route) =>
      route.request().resourceType() === 'script'
        ? route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: '' })
        : route.continue(),
    );
    await rendered.addCookies(await context.cookies());
    const axePage = await rendered.newPage();
    for (const p of [...pagesToRecheck, `${meetingPath}/agenda`]) {
      await page.goto(`${inbox.url}${p}`);
      assert.ok(await page.locator('main h1').first().isVisible(), `${p}: a heading with JavaScript off`);
      assert.ok(await page.locator('.app-marking').first().isVisible(), `${p}: marked with JavaScript off`);
      await axePage.goto(`${inbox.url}${p}`);
      await checkPage(axePage, `${p} without JavaScript`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await rendered.close();
    await context.close();
  }
});
