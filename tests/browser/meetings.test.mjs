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
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ws,
  startAll,
  stopAll,
  totp,
  newContext,
  checkPage,
  submitAndWait,
  signInWithPassword,
  firstSignIn,
  signOut,
  submitReferral,
  follow,
  summaryReachesFields,
} from './workspace-harness.mjs';

const run = promisify(execFile);
const MARKING = 'OFFICIAL-SENSITIVE';
const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 300_000) };

// ------------------------------------------------------------------- set-up

before(async () => {
  // The form walk answers the last LA offered (Sunderland) as presenting and owning.
  await startAll('meetings', [
    ['rev.one', 'reviewer'],
    ['chair.one', 'chair'],
    ['lam.sunderland', 'la-manager', 'Sunderland'],
    ['bs.sunderland', 'business-support', 'Sunderland'],
    ['bs.nojs', 'business-support', 'Sunderland'],
  ]);
});

after(stopAll);

async function move(page, reference, title) {
  await page.goto(`${ws.inbox.url}/`);
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
    await signInWithPassword(page, 'rev.one', ws.accounts['rev.one'].password);
    await page.getByLabel('Code from your authenticator app').fill(totp(ws.accounts['rev.one'].secret, Date.now() / 1000 + 30));
    await submitAndWait(page, 'Sign in');
    for (const r of references) await move(page, r, 'Accept: it meets the threshold');
    await signOut(page);

    // Business support lists both on the first meeting offered: the next Sunderland panel.
    await firstSignIn(page, 'bs.sunderland');
    for (const r of references) {
      await page.goto(`${ws.inbox.url}/`);
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
      await page.goto(`${ws.inbox.url}${p}`);
      await checkPage(page, label);
      pagesToRecheck.add(p);
    }
    await page.goto(`${ws.inbox.url}${meetingPath}`);
    await submitAndWait(page, 'Publish the agenda');
    assert.ok(await page.getByText('Agenda published.').isVisible());
    await checkPage(page, 'meeting, agenda published');

    // The pack: printed to PDF by Chromium, the marking on every page, one case a page.
    await page.goto(`${ws.inbox.url}${meetingPath}/agenda`);
    await checkPage(page, 'agenda as published');
    const file = path.join(ws.tmp, 'pack.pdf');
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
    await page.goto(`${ws.inbox.url}${meetingPath}`);
    await page.getByRole('button', { name: 'Save the agencies' }).first().click();
    await page.waitForLoadState('load');
    await summaryReachesFields(page, 'no agencies');
    await checkPage(page, 'meeting: no agencies chosen', { status: 400 });
    await page.goto(`${ws.inbox.url}${casePaths[0]}`);
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
  const rendered = await ws.browser.newContext({ javaScriptEnabled: true });
  try {
    await firstSignIn(page, 'bs.nojs');
    // A change with scripting off: an update recorded on the action agreed before.
    await page.goto(`${ws.inbox.url}${casePaths[1]}`);
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
      await page.goto(`${ws.inbox.url}${p}`);
      assert.ok(await page.locator('main h1').first().isVisible(), `${p}: a heading with JavaScript off`);
      assert.ok(await page.locator('.app-marking').first().isVisible(), `${p}: marked with JavaScript off`);
      await axePage.goto(`${ws.inbox.url}${p}`);
      await checkPage(axePage, `${p} without JavaScript`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await rendered.close();
    await context.close();
  }
});
