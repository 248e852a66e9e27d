// What the workspace's browser tests share: starting `prem` processes (a kiosk and a
// workspace, each on its own site folder with the project's roles, workflows and meetings),
// TOTP codes, and the steps and checks of a signed-in browser: a context that records what
// should not happen, checkPage (axe, the marking, a heading, no script, the status), signing
// in for the first time and again, a referral sent through the kiosk's forms. A test file calls
// `startAll` in its `before` (which sets `ws.tmp`, `ws.kiosk`, `ws.inbox`, `ws.browser` and
// `ws.temporary`) and `stopAll` after; each test file runs in a process of its own, so this
// state is its own. (workspace.test.mjs, with a second kiosk and its own accounts, keeps its
// own set-up and uses the rest.)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CARGO_RUN, REPO_ROOT, axeCheck, formatViolations, fillPage, continueButton, launchBrowser } from './lib.mjs';

/** The running test file's kiosk, workspace, browser and accounts. */
export const ws = {
  tmp: null,
  kiosk: null,
  inbox: null,
  browser: null,
  /** name -> temporary password printed by `prem workspace user add` */
  temporary: {},
  /** name -> { password, secret } once signed in for the first time */
  accounts: {},
  /** pages checked with axe, for the summary at the end */
  checked: [],
  /** the artefact screenshots' prefix */
  label: 'workspace',
};

// ---------------------------------------------------------------- processes

/** `cargo run -q -- --site SITE ARGS` (see CARGO_RUN); resolves to stdout, rejects with the log. */
export function prem(site, args, { env = {} } = {}) {
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
export function startPrem(site, args, patterns, { env = {} } = {}) {
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
export async function stop(server) {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
  server.child.kill('SIGTERM');
  return exited;
}

export async function writePrivate(file, text) {
  await fs.writeFile(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

/** A TOML string. JSON's escapes are valid in TOML basic strings. */
export const q = (s) => JSON.stringify(String(s));

/**
 * A site folder of its own: prem.toml with [build] pointing at the repo's
 * content, forms and themes by absolute path. The data files (criteria,
 * glossary) are read from SITE/content/_data whatever build.content_dir says,
 * so `content` is also linked in.
 */
/** The project's own roles and workflows (everything from its first [[roles]] on). */
export async function projectCasework() {
  const text = await fs.readFile(path.join(REPO_ROOT, 'prem.toml'), 'utf8');
  const at = text.indexOf('[[roles]]');
  assert.ok(at > 0, 'prem.toml declares its roles');
  return text.slice(at);
}

export async function siteFolder(name, extra) {
  const dir = path.join(ws.tmp, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.symlink(path.join(REPO_ROOT, 'content'), path.join(dir, 'content'));
  const toml = `# Written by tests/browser/workspace-harness.mjs
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

export function base32Decode(text) {
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
export function totp(secret, unix = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

// ------------------------------------------------------------------ helpers

/**
 * A browser context whose pages record what a user would not see but should
 * not happen: console errors (CSP violations are console errors), uncaught
 * exceptions, failed sub-resources. The inbox's own error statuses (401, 400,
 * 403, 404 pages) are expected, so a document's status is not a problem.
 */
export async function newContext({ javaScriptEnabled = true } = {}) {
  const context = await ws.browser.newContext({ javaScriptEnabled });
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
 * Every workspace page: zero axe violations, the protective marking, a visible
 * <h1> inside <main>, no script at all (so it is the same page with
 * JavaScript off), no guidance-site links, and the expected HTTP status.
 */
export async function checkPage(page, label, { status = null } = {}) {
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
    const file = path.join(process.env.PREM_ARTEFACT_DIR, `${ws.label}-${ws.checked.length + 1}-${label.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true });
  }
  ws.checked.push(label);
}

export async function submitAndWait(page, buttonName) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: buttonName }).click()]);
}

export async function signInWithPassword(page, name, password) {
  await page.goto(`${ws.inbox.url}/login`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submitAndWait(page, 'Continue');
}

/** The key on the enrolment page, read as a person would read it. */
export async function shownSecret(page) {
  return base32Decode((await page.locator('#secret').textContent()) || '');
}

/** A first sign-in: temporary password, a new password, enrolment. Leaves `page` on the list. */
export async function firstSignIn(page, name, { check = false } = {}) {
  await signInWithPassword(page, name, ws.temporary[name]);
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
  ws.accounts[name] = { password, secret };
}

export async function signOut(page) {
  await submitAndWait(page, 'Sign out');
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out');
}

/**
 * Walks one kiosk form to its confirmation in the browser; returns the reference. `answers`
 * (question name → text, or a radio's value) are given where those questions are asked, the
 * rest filled in.
 */
export async function submitReferral(formId, base = ws.kiosk.url, answers = {}) {
  const { context, page } = await newContext();
  try {
    await page.goto(`${base}/forms/${formId}/`);
    await page.getByRole('button', { name: 'Start now' }).click();
    for (let step = 0; step < 60 && !page.url().endsWith('/check/'); step++) {
      const before = page.url();
      for (const [name, text] of Object.entries(answers)) {
        const field = page.locator(`[name="${name}"]`);
        if (!(await field.count())) continue;
        if ((await field.first().getAttribute('type')) === 'radio') await page.locator(`[name="${name}"][value="${text}"]`).check();
        else await field.fill(text);
      }
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
export async function follow(page, name) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name, exact: true }).click()]);
}

/** The error summary is shown and each of its links reaches a field on the page. */
export async function summaryReachesFields(page, label) {
  assert.ok(await page.locator('.govuk-error-summary').isVisible(), `${label}: error summary`);
  assert.match(await page.title(), /^Error: /, `${label}: the title says so first`);
  for (const href of await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    assert.equal(await page.locator(href).count(), 1, `${label}: error summary link ${href}`);
  }
}

/** Makes the move called `title` on the case `reference`, from the list, with a reason. */

// ------------------------------------------------------------------- set-up

const PASSPHRASE = 'browser-suite passphrase, not a secret';

/**
 * A temporary folder (`ws.tmp`) with a passphrase file and a reviewer key pair made with
 * `prem keygen`, and a kiosk sealing to that key with its hand-over listener open (`ws.kiosk`,
 * its public address as `ws.kiosk.url`). Resolves to what a workspace needs to pull from it.
 */
export async function startKiosk(label) {
  ws.tmp = await fs.mkdtemp(path.join(os.tmpdir(), `prem-${label}-`));
  const pass = path.join(ws.tmp, 'passphrase');
  await writePrivate(pass, `${PASSPHRASE}\n`);
  const keys = path.join(ws.tmp, 'keys');
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
  const kioskEnv = { PREM_KIOSK_DATA_DIR: path.join(ws.tmp, 'kiosk-data'), PREM_BUILD_OUTPUT_DIR: path.join(ws.tmp, 'public') };
  const token = (await prem(kioskSite, ['token', 'add', 'inbox'], { env: kioskEnv })).trim();
  assert.match(token, /^\S{20,}$/, 'a token');
  const tokenFile = path.join(ws.tmp, 'kiosk.token');
  await writePrivate(tokenFile, `${token}\n`);
  ws.kiosk = startPrem(
    kioskSite,
    ['serve', '--addr', '127.0.0.1:0', '--internal-addr', '127.0.0.1:0'],
    [/serving the site and forms on (http:\/\/[^/\s]+)\//, /internal hand-over API on (http:\/\/[^/\s]+)\//],
    { env: kioskEnv },
  );
  const [kioskURL, internalURL] = await ws.kiosk.ready;
  ws.kiosk.url = kioskURL;
  return { pass, keys, tokenFile, internalURL };
}

/**
 * A kiosk and a workspace on the project's roles and workflows, in a temporary folder of
 * their own: the reviewers' key, the hand-over token, the accounts `users` lists as
 * [name, role, la?] (their temporary passwords in `ws.temporary`), `inboxExtra` added to the
 * workspace's [inbox] table, and a browser. Sets `ws.tmp`, `ws.kiosk`, `ws.inbox` and
 * `ws.browser`; `stopAll` undoes it.
 */
export async function startAll(label, users, { inboxExtra = '' } = {}) {
  ws.label = label;
  const { pass, keys, tokenFile, internalURL } = await startKiosk(label);
  const inboxSite = await siteFolder(
    'inbox-site',
    `[inbox]
addr = "127.0.0.1:0"
data_dir = ${q(path.join(ws.tmp, 'inbox-data'))}
secret_key = ${q(path.join(keys, 'police.key'))}
passphrase_file = ${q(pass)}
posts_per_minute = 100000
new_sessions_per_minute = 100000
pull_interval_secs = 3600
pull_at_start = false
${inboxExtra}

[[inbox.kiosks]]
name = "kiosk1"
url = ${q(internalURL)}
token_file = ${q(tokenFile)}
`,
  );
  for (const [name, role, la] of users) {
    const out = await prem(inboxSite, ['workspace', 'user', 'add', name, '--role', role, ...(la ? ['--la', la] : [])]);
    const m = out.match(/shown once:\n(\S+)\n/);
    assert.ok(m, `temporary password in: ${out}`);
    ws.temporary[name] = m[1];
  }
  ws.inbox = startPrem(inboxSite, ['workspace', 'serve'], [/workspace on (http:\/\/[^/\s]+)\//]);
  [ws.inbox.url] = await ws.inbox.ready;
  ws.browser = await launchBrowser();
}

/** Closes the browser, stops both servers (each must exit 0 on SIGTERM) and removes the folder. */
export async function stopAll() {
  await ws.browser?.close();
  const stopped = await Promise.all([stop(ws.inbox), stop(ws.kiosk)]);
  if (ws.tmp && !process.env.PREM_KEEP_SITE) await fs.rm(ws.tmp, { recursive: true, force: true });
  if (ws.checked.length) process.stderr.write(`axe-checked ${ws.checked.length} ${ws.label} pages: ${ws.checked.join(', ')}\n`);
  for (const s of stopped) if (s) assert.equal(s.code, 0, `a server stopped on SIGTERM with ${JSON.stringify(s)}`);
}
