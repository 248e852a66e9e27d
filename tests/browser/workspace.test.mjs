// The partnership's workspace in real Chromium. Starts a real kiosk and a real workspace
// (`prem serve` and `prem workspace serve` from the debug build by default, each with its
// own temporary site folder, prem.toml carrying the project's roles and workflows, and data
// directory, and a throwaway reviewer key made with `prem keygen`), submits a referral
// through the kiosk's forms, makes accounts with `prem workspace user add`, then signs in
// through the browser (temporary password, new password, TOTP enrolment with codes computed
// here) and checks EVERY workspace page with axe (WCAG 2.2 AA, zero violations): sign-in,
// new password (and its errors), enrolment, code entry (and a wrong code), the lockout
// message, the list (with filters), a case at each stage (awaiting LA endorsement, with the
// police, escalated, exit proposed, exited), move pages with and without errors (the
// endorsement, by keyboard alone; the chair's exit form with its own questions), the print
// view, the audit trail, records set aside (a second kiosk in development mode seals to a key
// the workspace does not hold), the 403 page and the 404 page. The workspace has no scripts,
// and a dispute decided by the panel of three is recorded with JavaScript off.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser, pdfPageTexts } from './lib.mjs';
import {
  ws,
  startKiosk,
  prem,
  startPrem,
  stop,
  writePrivate,
  q,
  siteFolder,
  totp,
  newContext,
  checkPage,
  submitAndWait,
  signInWithPassword,
  firstSignIn,
  signOut,
  submitReferral as submitReferralAt,
  follow,
  summaryReachesFields,
} from './workspace-harness.mjs';

const LOCKOUT_ATTEMPTS = 3;
const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 300_000) };

let tmp;
let kiosk;
/** A second kiosk with no recipients configured: it seals to its development key. */
let devKiosk;
let inbox;
/** The workspace's site folder, for `prem workspace` commands while it runs. */
let inboxSite;
let browser;
// The harness's helpers read the servers, browser and accounts from `ws`; these are the same
// objects under the names the tests below use.
/** name -> temporary password printed by `prem workspace user add` */
const temporary = ws.temporary;
/** name -> { password, secret } once signed in for the first time */
const accounts = ws.accounts;
/** pages checked with axe, for the summary at the end */
const checked = ws.checked;
ws.label = 'inbox';

/** A referral through the main kiosk's forms (see the harness's `submitReferral`). */
const submitReferral = (formId, base = kiosk.url, answers = {}) => submitReferralAt(formId, base, answers);

before(async () => {
  // The kiosk, sealing to a reviewer key of our own.
  const { pass, keys, tokenFile, internalURL } = await startKiosk('inbox');
  ({ tmp, kiosk } = ws);

  // A kiosk left in development mode, as a new user's might be.
  const devSite = await siteFolder('dev-kiosk-site', `[kiosk]\nposts_per_minute = 100000\nnew_sessions_per_minute = 100000\n`);
  const devEnv = { PREM_KIOSK_DATA_DIR: path.join(tmp, 'dev-kiosk-data'), PREM_BUILD_OUTPUT_DIR: path.join(tmp, 'dev-public') };
  const devToken = (await prem(devSite, ['token', 'add', 'inbox'], { env: devEnv })).trim();
  const devTokenFile = path.join(tmp, 'dev-kiosk.token');
  await writePrivate(devTokenFile, `${devToken}\n`);
  devKiosk = startPrem(
    devSite,
    ['serve', '--addr', '127.0.0.1:0', '--internal-addr', '127.0.0.1:0'],
    [/serving the site and forms on (http:\/\/[^/\s]+)\//, /internal hand-over API on (http:\/\/[^/\s]+)\//],
    { env: devEnv },
  );
  const [devURL, devInternalURL] = await devKiosk.ready;
  devKiosk.url = devURL;

  // The inbox, pulling from the kiosk's internal listener.
  inboxSite = await siteFolder(
    'inbox-site',
    `[inbox]
addr = "127.0.0.1:0"
data_dir = ${q(path.join(tmp, 'inbox-data'))}
secret_key = ${q(path.join(keys, 'police.key'))}
passphrase_file = ${q(pass)}
lockout_attempts = ${LOCKOUT_ATTEMPTS}
posts_per_minute = 100000
new_sessions_per_minute = 100000
pull_interval_secs = 3600
pull_at_start = false

[[inbox.kiosks]]
name = "kiosk1"
url = ${q(internalURL)}
token_file = ${q(tokenFile)}

[[inbox.kiosks]]
name = "devkiosk"
url = ${q(devInternalURL)}
token_file = ${q(devTokenFile)}
`,
  );
  for (const [name, role, la] of [
    ['rev.one', 'reviewer'],
    ['rev.two', 'reviewer'],
    ['rev.nojs', 'reviewer'],
    ['admin.one', 'admin'],
    ['chair.one', 'chair'],
    ['chair.nojs', 'chair'],
    ['locked.out', 'reviewer'],
    // The form walk answers the last LA offered (Sunderland) as the presenting one.
    ['lam.sunderland', 'la-manager', 'Sunderland'],
    ['lam.gateshead', 'la-manager', 'Gateshead'],
  ]) {
    const out = await prem(inboxSite, ['workspace', 'user', 'add', name, '--role', role, ...(la ? ['--la', la] : [])]);
    const m = out.match(/shown once:\n(\S+)\n/);
    assert.ok(m, `temporary password in: ${out}`);
    temporary[name] = m[1];
  }
  inbox = startPrem(inboxSite, ['workspace', 'serve'], [/workspace on (http:\/\/[^/\s]+)\//]);
  [inbox.url] = await inbox.ready;
  browser = await launchBrowser();
  Object.assign(ws, { inbox, browser });
});

after(async () => {
  await browser?.close();
  const stopped = await Promise.all([stop(inbox), stop(kiosk), stop(devKiosk)]);
  if (tmp && !process.env.PREM_KEEP_SITE) await fs.rm(tmp, { recursive: true, force: true });
  if (checked.length) process.stderr.write(`axe-checked ${checked.length} inbox pages: ${checked.join(', ')}\n`);
  for (const s of stopped) if (s) assert.equal(s.code, 0, `a server stopped on SIGTERM with ${JSON.stringify(s)}`);
});

// -------------------------------------------------------------------- tests

let reference;
let referralPath;

test('a referral goes from the kiosk through LA endorsement to the police, every page accessible', T, async () => {
  reference = await submitReferral('child-referral');
  assert.match(reference || '', /^PREM-\d{4}-[0-9A-Z]{6}$/);
  // One more on the development kiosk: the workspace cannot open it and sets it aside.
  await submitReferral('soft-intelligence', devKiosk.url);

  const { context, page, problems } = await newContext();
  try {
    // Signing in is required everywhere.
    await page.goto(`${inbox.url}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await checkPage(page, 'sign in');

    // A new password with errors, then the first sign-in.
    await signInWithPassword(page, 'rev.one', temporary['rev.one']);
    await page.getByLabel('New password', { exact: true }).fill('too short');
    await page.getByLabel('Type the new password again').fill('too short');
    await submitAndWait(page, 'Save password and continue');
    assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'new password error summary');
    assert.match(await page.title(), /^Error: /);
    await checkPage(page, 'new password with errors', { status: 400 });
    // Start again from the sign-in page: the half-signed-in session is simply replaced.
    await firstSignIn(page, 'rev.one', { check: true });

    // The empty list, then a pull from the button. The referral waits for its LA manager's
    // endorsement, so the police do not see it yet.
    await checkPage(page, 'list before a pull');
    await submitAndWait(page, 'Fetch new referrals now');
    assert.ok(await page.getByText('Fetched 1 new referral.').isVisible(), 'the pull says what it did');
    assert.equal(await page.locator('tbody tr', { hasText: reference }).count(), 0, 'not before endorsement');
    assert.ok(await page.getByText('1 record was received but could not be opened').isVisible(), 'the set-aside banner');
    await checkPage(page, 'list');
    await signOut(page);

    // Another LA's manager does not see it either.
    await firstSignIn(page, 'lam.gateshead');
    assert.equal(await page.locator('tbody tr', { hasText: reference }).count(), 0, 'another LA');
    await signOut(page);

    // The presenting LA's manager endorses it: an empty post first, then by keyboard alone.
    await firstSignIn(page, 'lam.sunderland');
    await follow(page, reference);
    referralPath = new URL(page.url()).pathname;
    assert.match(referralPath, /^\/cases\/kiosk1\//);
    assert.ok(await page.getByText('Awaiting LA endorsement').isVisible());
    await checkPage(page, 'case awaiting endorsement');
    await follow(page, 'Endorse the referral');
    await checkPage(page, 'endorse');
    await submitAndWait(page, 'Endorse the referral');
    await summaryReachesFields(page, 'endorse');
    await checkPage(page, 'endorse with errors', { status: 400 });
    await page.locator('#reason').focus();
    await page.keyboard.type('Known to our exploitation team; the referral is complete.');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Endorse the referral', 'the button is next in the tab order');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.ok(await page.getByText('Endorse the referral: done.').isVisible(), 'a message after the change');
    assert.ok(await page.getByText('With police for review').first().isVisible());
    await checkPage(page, 'case endorsed, as the LA manager sees it');
    await signOut(page);

    // Now the police see it, with who endorsed it and when.
    await firstSignIn(page, 'rev.two');
    await page.getByLabel('Form').selectOption('child-referral');
    await page.getByLabel('Stage').selectOption('with-police');
    await submitAndWait(page, 'Apply filters');
    assert.match(page.url(), /form=child-referral/);
    assert.equal(await page.locator('tbody tr', { hasText: reference }).count(), 1);
    await checkPage(page, 'list filtered');
    await page.getByLabel('Stage').selectOption('accepted');
    await submitAndWait(page, 'Apply filters');
    assert.ok(await page.getByText('No cases match.').isVisible());
    await checkPage(page, 'list filtered, no matches');
    await page.goto(`${inbox.url}${referralPath}`);
    assert.ok(await page.getByText('By lam.sunderland (la-manager)').isVisible(), 'who endorsed it');
    await checkPage(page, 'case with the police');

    // The print view, as printed: A4, marked, no navigation or links to act.
    await page.goto(`${inbox.url}${referralPath}/print`);
    await checkPage(page, 'print view');
    await page.emulateMedia({ media: 'print' });
    assert.ok(!(await page.locator('.govuk-service-navigation').isVisible()), 'navigation not printed');
    // The marking at the top and the bottom of every sheet, not only the first and last.
    const sheets = await pdfPageTexts(await page.pdf({ format: 'A4', preferCSSPageSize: true }));
    assert.ok(sheets.length >= 2, `the case prints on ${sheets.length} sheet(s); expected several`);
    for (const [i, text] of sheets.entries()) {
      const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
      assert.equal(lines[0], 'OFFICIAL-SENSITIVE', `sheet ${i + 1} starts with the marking`);
      assert.equal(lines.at(-1), 'OFFICIAL-SENSITIVE', `sheet ${i + 1} ends with the marking`);
    }
    await page.emulateMedia({ media: 'screen' });

    // Escalate: the next stage is the chair's to move on, so the reviewer is not offered it.
    await page.goto(`${inbox.url}${referralPath}`);
    await follow(page, 'Escalate: the decision is disputed');
    await page.getByLabel('What is disputed, and by whom (required)').fill('The referrer disputes the threshold.');
    await submitAndWait(page, 'Escalate: the decision is disputed');
    assert.ok(await page.getByText('Escalate: the decision is disputed: done.').isVisible(), 'a message after the change');
    assert.equal(await page.getByRole('link', { name: 'Still disputed: go to the senior meeting' }).count(), 0, 'not the reviewer\'s to make');
    await checkPage(page, 'escalated, as the reviewer sees it');

    // Not found: an unknown page, and a case that does not exist.
    await page.goto(`${inbox.url}/no/such/page`);
    await checkPage(page, '404 page', { status: 404 });
    await page.goto(`${inbox.url}/cases/kiosk1/0000000000`);
    assert.ok(await page.getByRole('heading', { name: 'Page not found' }).isVisible());

    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a second sign-in asks for the code; a wrong code is refused accessibly', T, async () => {
  assert.ok(accounts['rev.one'], 'rev.one signed in before');
  const { context, page, problems } = await newContext();
  try {
    await signInWithPassword(page, 'rev.one', accounts['rev.one'].password);
    assert.equal(new URL(page.url()).pathname, '/login/code');
    await checkPage(page, 'code entry');
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await submitAndWait(page, 'Sign in');
    assert.ok(await page.locator('.govuk-error-summary').isVisible());
    await checkPage(page, 'code entry with error', { status: 401 });
    // The code used at enrolment cannot be used again: take the next step's.
    await page.getByLabel('Code from your authenticator app').fill(totp(accounts['rev.one'].secret, Date.now() / 1000 + 30));
    await submitAndWait(page, 'Sign in');
    assert.equal(new URL(page.url()).pathname, '/');
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the lockout message is accessible, and the right password is refused while locked', T, async () => {
  const { context, page, problems } = await newContext();
  try {
    for (let i = 0; i < LOCKOUT_ATTEMPTS; i++) await signInWithPassword(page, 'locked.out', 'not the password');
    await signInWithPassword(page, 'locked.out', temporary['locked.out']);
    assert.equal(new URL(page.url()).pathname, '/login', 'still locked');
    assert.ok(await page.getByText('locked for a while').first().isVisible(), 'the message says an account can be locked');
    await checkPage(page, 'lockout message', { status: 401 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('admins read the audit trail and handle records set aside; the chair takes the case from escalation to exit', T, async () => {
  const { context, page, problems } = await newContext();
  try {
    await firstSignIn(page, 'admin.one');
    // No link an admin cannot follow: references are text, not links to 403 pages.
    assert.equal(await page.getByRole('link', { name: reference }).count(), 0, 'no case links for an admin');
    await follow(page, 'Audit trail');
    assert.equal(new URL(page.url()).pathname, '/audit/');
    assert.ok(await page.getByRole('cell', { name: 'move:endorse' }).first().isVisible(), 'the endorsement is in the trail');
    assert.ok(await page.getByRole('cell', { name: 'move:escalate' }).first().isVisible(), 'the escalation is in the trail');
    assert.ok(await page.getByRole('cell', { name: reference }).first().isVisible(), 'records shown by reference');
    await checkPage(page, 'audit trail');
    await follow(page, 'Set aside');
    assert.equal(new URL(page.url()).pathname, '/quarantine/');
    assert.ok(await page.getByText("not sealed to this inbox's key").isVisible(), 'the reason is shown');
    await checkPage(page, 'records set aside');
    await submitAndWait(page, 'Try to open them again');
    assert.ok(await page.getByText('None opened: 1 still set aside.').isVisible());
    await checkPage(page, 'records set aside after a retry');
    // A subject access request: find the person, then everything held about them.
    await follow(page, 'Subject access');
    await checkPage(page, 'subject access');
    await page.getByLabel('Their name, an alias or their date of birth').fill('Testy');
    await submitAndWait(page, 'Find');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('main ul.govuk-list a').first().click()]);
    assert.ok(await page.getByText(reference).first().isVisible(), 'the case is in the request');
    await checkPage(page, 'subject access: everything held');
    await signOut(page);

    await firstSignIn(page, 'chair.one');
    await page.goto(`${inbox.url}${referralPath}`);
    await follow(page, 'Still disputed: go to the senior meeting');
    await submitAndWait(page, 'Still disputed: go to the senior meeting');
    await checkPage(page, 'escalation with errors', { status: 400 });
    await page.getByLabel('What the discussion concluded, and why it goes further (required)').fill('No agreement with the chair.');
    await submitAndWait(page, 'Still disputed: go to the senior meeting');
    assert.ok(await page.getByText('Escalated: senior LA manager with the DCI or superintendent').first().isVisible());
    await checkPage(page, 'escalation stage 2');
    for (const [step, why] of [
      ['Accept: it meets the threshold', 'The DCI agreed with the referrer.'],
      ["Open the case at the owning LA's panel", 'Sunderland panel, next month; children\'s services and health to attend.'],
      ['Propose exit', 'The plan has worked for three months.'],
    ]) {
      await follow(page, step);
      await page.locator('#reason').fill(why);
      await submitAndWait(page, step);
      assert.ok(await page.getByText(`${step}: done.`).isVisible(), step);
    }
    await checkPage(page, 'exit proposed');
    // The chair's exit form asks its own questions: every one is named when left out.
    await follow(page, 'Record the exit decision');
    await checkPage(page, 'exit form');
    await submitAndWait(page, 'Record the exit decision');
    await summaryReachesFields(page, 'exit form');
    assert.equal(await page.locator('.govuk-error-message').count(), 5, 'four questions and the reason');
    await checkPage(page, 'exit form with errors', { status: 400 });
    await page.getByLabel('Every action and all the intelligence on this case have been reviewed').check();
    await page.getByLabel('LA managers consulted (role and local authority)').fill('Sunderland authorising manager');
    const today = new Date();
    await page.locator('#consulted_on-day').fill(String(today.getDate()));
    await page.locator('#consulted_on-month').fill(String(today.getMonth() + 1));
    await page.locator('#consulted_on-year').fill(String(today.getFullYear()));
    await page.getByLabel('Representations received, and what was made of them').fill('None.');
    await page.getByLabel('Rationale for the exit (required)').fill('Managed effectively; no new intelligence.');
    await submitAndWait(page, 'Record the exit decision');
    assert.ok(await page.getByText('Exited').first().isVisible());
    assert.ok(await page.getByText('Sunderland authorising manager').isVisible(), 'the answers are kept in the history');
    await checkPage(page, 'exited');

    // Someone the referral did not name, added by hand: the form empty (each error reaches
    // its field), then filled in; their page follows, with any possible matches.
    await follow(page, 'Add a person');
    await checkPage(page, 'add a person');
    await submitAndWait(page, 'Add the person');
    await summaryReachesFields(page, 'add a person');
    await checkPage(page, 'add a person with errors', { status: 400 });
    await page.getByLabel('Role in this case').selectOption('associate');
    await page.getByLabel('Name', { exact: true }).fill('Orla Pennywhistle');
    await submitAndWait(page, 'Add the person');
    assert.ok(await page.getByText('Added to the case.').isVisible(), 'added');
    assert.ok(await page.getByRole('heading', { name: 'Orla Pennywhistle' }).isVisible());
    await checkPage(page, 'person added by hand');

    // Soft intelligence names the same synthetic person, misspelt; it goes straight to the
    // police, so once pulled (through the control socket, as an operator would) the person's
    // page has a live suggestion the chair may see and decide.
    await submitReferral('soft-intelligence', kiosk.url, { saw_people: 'yes', 'person_name-1': 'Tetsy' });
    assert.match(await prem(inboxSite, ['workspace', 'pull']), /kiosk1: 1 new/);
    await page.goto(`${inbox.url}${referralPath}`);
    const person = page.locator('h3:has-text("People and places") + ul a').first();
    assert.ok(await person.isVisible(), 'the case lists its people and places');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), person.click()]);
    const personPath = new URL(page.url()).pathname;
    assert.match(personPath, /^\/people\/[0-9a-f]{32}$/);
    assert.ok(await page.getByRole('heading', { name: 'Possible matches' }).isVisible());
    const card = page.locator('.govuk-summary-card', { has: page.getByRole('heading', { name: /^Tetsy: / }) });
    assert.equal(await card.count(), 1, 'the misspelt name is suggested');
    assert.ok(await card.getByText('Date of birth').isVisible(), 'explained field by field');
    await checkPage(page, 'person with a possible match');
    // The decision by keyboard alone: choose, say why, send.
    await card.getByLabel('Yes, the same').focus();
    await page.keyboard.press('Space');
    assert.ok(await card.getByLabel('Yes, the same').isChecked(), 'chosen by keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Same date of birth; the name is a slip.');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Record the decision about Tetsy', 'the button is next');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.ok(await page.getByText('Match decision recorded.').isVisible());
    assert.equal(new URL(page.url()).pathname, personPath);
    assert.equal(await page.getByRole('heading', { name: /^Tetsy: / }).count(), 0, 'confirmed: no longer suggested');
    await checkPage(page, 'person after a match decision');
    await follow(page, 'Edit this record');
    await checkPage(page, 'edit a person');
    await page.getByLabel('Postcode district (the first half of a postcode)').fill('!!');
    await submitAndWait(page, 'Save');
    await summaryReachesFields(page, 'edit a person');
    await checkPage(page, 'edit a person with errors', { status: 400 });
    await page.getByLabel('Postcode district (the first half of a postcode)').fill('NE1');
    await page.getByLabel('Also known as (separate with commas)').fill('Testy T');
    await submitAndWait(page, 'Save');
    assert.ok(await page.getByText('Saved.').isVisible());
    await follow(page, 'Search');
    await checkPage(page, 'search');
    await page.getByLabel('Name or alias, date of birth, reference, place or postcode district').fill('Testy');
    await submitAndWait(page, 'Search');
    assert.ok(await page.getByRole('heading', { name: /results?$/ }).isVisible());
    await checkPage(page, 'search results');
    await follow(page, 'Repeats and hotspots');
    await checkPage(page, 'repeat perpetrators');
    await follow(page, 'Hotspots');
    await checkPage(page, 'hotspots');
    assert.equal(await page.getByRole('link', { name: 'Audit trail' }).count(), 0, 'no audit link for a chair');
    const res = await page.goto(`${inbox.url}/audit/`);
    assert.equal(res.status(), 403);
    await checkPage(page, '403 page', { status: 403 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('with JavaScript off, a reviewer pulls and the chair records a dispute decided by the panel of three', T, async () => {
  assert.ok(referralPath, 'the first test found the referral');
  const { context, page, problems } = await newContext({ javaScriptEnabled: false });
  try {
    await firstSignIn(page, 'rev.nojs');
    assert.equal(await page.locator('tbody tr', { hasText: reference }).count(), 1, 'listed');
    await submitAndWait(page, 'Fetch new referrals now');
    assert.ok(await page.getByText('Last pull').isVisible(), 'pulled without JavaScript');
    // The reviewer records that the exit is disputed.
    await page.goto(`${inbox.url}${referralPath}`);
    await follow(page, 'Record a dispute about entry or exit');
    await page.locator('#reason').fill('The family dispute the exit.');
    await submitAndWait(page, 'Record a dispute about entry or exit');
    assert.ok(await page.getByText('Entry or exit disputed: panel of three').first().isVisible());
    await signOut(page);
    await firstSignIn(page, 'chair.nojs');
    await page.getByLabel('Stage').selectOption('disputed');
    await submitAndWait(page, 'Apply filters');
    assert.equal(await page.locator('tbody tr', { hasText: reference }).count(), 1, 'filtered without JavaScript');
    await follow(page, reference);
    assert.equal(new URL(page.url()).pathname, referralPath);
    await follow(page, 'Dispute decided: the case is open');
    // Post it empty, then properly.
    await submitAndWait(page, 'Dispute decided: the case is open');
    assert.ok(await page.locator('.govuk-error-summary').isVisible(), 'errors without JavaScript');
    await page.locator('#panel').fill('DCI for missing and PREM; health manager; LA manager');
    const today = new Date();
    await page.locator('#decided_on-day').fill(String(today.getDate()));
    await page.locator('#decided_on-month').fill(String(today.getMonth() + 1));
    await page.locator('#decided_on-year').fill(String(today.getFullYear()));
    await page.locator('#reason').fill('The panel agreed the case stays open.');
    await submitAndWait(page, 'Dispute decided: the case is open');
    assert.ok(await page.getByText('Open: managed by the panel').first().isVisible(), 'decided without JavaScript');
    // Adding a person or place by hand needs no JavaScript either (axe itself needs it, so
    // the form is axe-checked in the test above).
    await follow(page, 'Add a place');
    await submitAndWait(page, 'Add the place');
    await summaryReachesFields(page, 'add a place without JavaScript');
    await page.getByLabel('Role in this case').selectOption({ index: 1 });
    await page.getByLabel('Name or description').fill('Testy bus station');
    await submitAndWait(page, 'Add the place');
    assert.ok(await page.getByText('Added to the case.').isVisible(), 'added without JavaScript');
    await page.goto(`${inbox.url}${referralPath}`);
    await follow(page, 'Print view (A4, for the meeting pack)');
    assert.ok(await page.locator('.app-print-a4').isVisible());
    await signOut(page);
    // Signing in again: password, then the code.
    await signInWithPassword(page, 'chair.nojs', accounts['chair.nojs'].password);
    assert.equal(new URL(page.url()).pathname, '/login/code');
    await page.getByLabel('Code from your authenticator app').fill(totp(accounts['chair.nojs'].secret, Date.now() / 1000 + 30));
    await submitAndWait(page, 'Sign in');
    assert.equal(new URL(page.url()).pathname, '/', 'signed in again without JavaScript');
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
