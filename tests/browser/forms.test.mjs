// The kiosk's forms in real Chromium: every step of every form passes axe
// (WCAG 2.2 AA) with JavaScript on, a form completes with JavaScript off, the
// error state and the confirmation are accessible, and printouts carry the
// protective marking. Runs a real `prem serve` on a free loopback port with a
// temporary data directory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CARGO_RUN, REPO_ROOT, launchBrowser, openPage, axeCheck, formatViolations, cspViolations, faviconProblem, fillPage, continueButton } from './lib.mjs';

const FORMS = ['child-referral', 'adult-referral', 'soft-intelligence', 'extraordinary-request'];

let server;
let baseURL;
let browser;
let tmp;

async function startKiosk() {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'prem-kiosk-'));
  const env = {
    ...process.env,
    PREM_KIOSK_DATA_DIR: path.join(tmp, 'data'),
    PREM_BUILD_OUTPUT_DIR: path.join(tmp, 'public'),
    PREM_KIOSK_POSTS_PER_MINUTE: '100000',
    PREM_KIOSK_NEW_SESSIONS_PER_MINUTE: '100000',
    RUST_LOG: 'warn',
  };
  const child = spawn('cargo', [...CARGO_RUN, '--', 'serve', '--addr', '127.0.0.1:0'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prem serve did not start:\n${log}`)), 600_000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/serving the site and forms on (http:\/\/[^/\s]+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`prem serve exited with ${code}:\n${log}`)));
  });
  return { child, url };
}

before(async () => {
  const started = await startKiosk();
  server = started.child;
  baseURL = started.url;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function assertAccessible(page, label) {
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, formatViolations(violations, `${label} ${page.url()}`));
}

/** Walks a form from its start page to the confirmation; returns the reference. */
async function completeForm(page, formId, { checkAxe }) {
  await page.goto(`${baseURL}/forms/${formId}/`);
  if (checkAxe) await assertAccessible(page, 'start page');
  await page.getByRole('button', { name: 'Start now' }).click();
  for (let step = 0; step < 60 && !page.url().endsWith('/check/'); step++) {
    assert.ok(await page.locator('.app-marking').isVisible(), `protective marking on ${page.url()}`);
    if (checkAxe) await assertAccessible(page, `${formId} step ${step + 1}`);
    const before = page.url();
    await fillPage(page);
    await (await continueButton(page)).click();
    await page.waitForLoadState('load');
    if (page.url() === before) {
      const errors = await page.locator('.govuk-error-summary').textContent().catch(() => '');
      assert.fail(`${formId}: the page ${before} did not move on: ${errors}`);
    }
  }
  assert.ok(page.url().endsWith('/check/'), `${formId}: reached check your answers`);
  if (checkAxe) await assertAccessible(page, `${formId} check answers`);
  // Sending without the declaration shows an accessible error.
  await page.getByRole('button', { name: 'Accept and send' }).click();
  await page.waitForLoadState('load');
  assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'declaration error summary');
  if (checkAxe) await assertAccessible(page, `${formId} check answers with error`);
  await page.locator('#declaration').check();
  await page.getByRole('button', { name: 'Accept and send' }).click();
  await page.waitForLoadState('load');
  const reference = (await page.locator('.app-reference').textContent())?.trim();
  assert.match(reference || '', /^PREM-\d{4}-[0-9A-Z]{6}$/);
  if (checkAxe) await assertAccessible(page, `${formId} confirmation`);
  return reference;
}

test('every step of every form passes axe with JavaScript on', async () => {
  const index = await openPage(browser, `${baseURL}/forms/`);
  try {
    await assertAccessible(index.page, 'forms index');
    const problems = [...index.problems, ...(await cspViolations(index.page))];
    const fav = await faviconProblem(index.page);
    if (fav) problems.push(fav);
    assert.deepEqual(problems, []);
  } finally {
    await index.context.close();
  }
  for (const formId of FORMS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const csp = [];
    page.on('console', (m) => m.type() === 'error' && csp.push(m.text()));
    try {
      await completeForm(page, formId, { checkAxe: true });
      assert.deepEqual(csp, [], `${formId}: console errors`);
    } finally {
      await context.close();
    }
  }
});

test('a first page with errors keeps the error summary accessible and focusable', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${baseURL}/forms/soft-intelligence/`);
    await page.getByRole('button', { name: 'Start now' }).click();
    await (await continueButton(page)).click();
    await page.waitForLoadState('load');
    const summary = page.locator('.govuk-error-summary');
    assert.ok(await summary.isVisible(), 'error summary shown');
    const href = await summary.locator('a').first().getAttribute('href');
    assert.ok(href && href.startsWith('#') && (await page.locator(href).count()) === 1, `summary link ${href} points at a field`);
    assert.match(await page.title(), /^Error: /);
    await assertAccessible(page, 'error state');
  } finally {
    await context.close();
  }
});

test('a whole referral can be completed with JavaScript off', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const reference = await completeForm(page, 'child-referral', { checkAxe: false });
    assert.ok(reference);
    // Without JavaScript the copy is there and the page says how to print it; no dead button.
    assert.ok(await page.locator('.app-answers-copy').isVisible());
    assert.ok(await page.locator('.app-print-hint').isVisible());
    assert.ok(!(await page.getByRole('button', { name: 'Print your copy' }).isVisible()));
    // Shown once: going back to the check page finds the answers gone.
    const res = await page.goto(page.url().replace(/submit\/$/, 'check/'));
    assert.notEqual(await page.locator('.app-answers-copy').count(), 1, 'the copy is not shown again');
    assert.ok([200, 403].includes(res.status()));
  } finally {
    await context.close();
  }
});

test('the confirmation offers a printable copy of what was sent, once, and prints with its protective marking', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await completeForm(page, 'extraordinary-request', { checkAxe: false });
    const copy = page.locator('.app-answers-copy');
    assert.ok(await copy.isVisible(), 'the copy of the answers is on the page');
    assert.ok(((await copy.textContent()) || '').length > 50, 'with the answers in it');
    const button = page.getByRole('button', { name: 'Print your copy' });
    assert.ok(await button.isVisible(), 'a print button with JavaScript');
    await assertAccessible(page, 'confirmation with its copy');
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator('.app-marking').first().isVisible(), 'marking printed');
    assert.ok(await copy.isVisible(), 'the copy is printed');
    assert.ok(!(await button.isVisible()), 'the button is not printed');
    assert.ok(!(await page.locator('.app-print-hint').isVisible()), 'nor the instructions');
    assert.ok(!(await page.locator('.govuk-service-navigation').isVisible()), 'navigation not printed');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000);
  } finally {
    await context.close();
  }
});
