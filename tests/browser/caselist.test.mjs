// The case list a page at a time, in real Chromium: a workspace set to one case a page
// (`inbox.cases_per_page`), three extraordinary requests sent through the kiosk's form and
// fetched by a reviewer, then every page of the list checked with axe, followed by keyboard
// from the first page to the last, printed without the page links, and used with JavaScript
// off (the workspace has no scripts, so what axe saw is what that browser gets).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ws, startAll, stopAll, newContext, checkPage, submitAndWait, firstSignIn, submitReferral } from './workspace-harness.mjs';

const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 300_000) };

before(async () => {
  await startAll('caselist', [['rev.one', 'reviewer'], ['rev.nojs', 'reviewer']], { inboxExtra: 'cases_per_page = 1' });
});

after(stopAll);

test('three cases come one a page, each page accessible, walked by keyboard and without JavaScript', T, async () => {
  const references = [];
  for (let n = 0; n < 3; n++) references.push(await submitReferral('extraordinary-request'));
  assert.equal(new Set(references).size, 3, `three references: ${references}`);

  const { context, page, problems } = await newContext();
  await firstSignIn(page, 'rev.one');
  await submitAndWait(page, 'Fetch new referrals now');
  assert.ok(await page.getByText('Fetched 3 new referrals.').isVisible(), 'all three fetched');

  const caption = page.locator('caption');
  const nav = page.getByRole('navigation', { name: 'Pages of cases' });
  const seen = [];
  await page.goto(`${ws.inbox.url}/`);
  for (let n = 1; n <= 3; n++) {
    assert.match((await caption.textContent()) || '', new RegExp(`3 cases.*Showing case ${n}, page ${n} of 3`, 's'));
    assert.equal(await page.locator('tbody tr').count(), 1, `page ${n}: one row`);
    seen.push(((await page.locator('tbody tr a').first().textContent()) || '').trim());
    assert.equal(await nav.locator('[aria-current="page"]').textContent(), String(n), `page ${n} marked current`);
    await checkPage(page, `case list page ${n}`);
    if (n < 3) {
      // By keyboard: focus the "Next" link from the page links and press Enter.
      const next = nav.getByRole('link', { name: 'Next page' });
      await next.focus();
      assert.ok(await next.evaluate((a) => a === document.activeElement), 'Next takes focus');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    }
  }
  assert.deepEqual([...seen].sort(), [...references].sort(), 'every case on exactly one page');
  assert.equal(await nav.getByRole('link', { name: 'Next page' }).count(), 0, 'no next on the last page');
  assert.equal(await nav.getByRole('link', { name: 'Previous page' }).count(), 1);

  // Printed, the page links go and the row stays.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await nav.isVisible(), false, 'no page links on paper');
  assert.ok(await page.locator('tbody tr').first().isVisible());
  await page.emulateMedia({ media: 'screen' });

  // Without JavaScript: the same pages, the filters kept in the page links.
  const { context: off, page: nojs, problems: offProblems } = await newContext({ javaScriptEnabled: false });
  await firstSignIn(nojs, 'rev.nojs');
  await nojs.goto(`${ws.inbox.url}/?status=new&page=2`);
  assert.match((await nojs.locator('caption').textContent()) || '', /page 2 of 3/);
  const prev = nojs.getByRole('link', { name: 'Previous page' });
  assert.equal(await prev.getAttribute('href'), '/?status=new&page=1');
  // (axe needs scripts, so the pages are checked above with them on; the workspace has none.)
  assert.equal(await nojs.locator('script').count(), 0, 'no scripts');
  await Promise.all([nojs.waitForNavigation({ waitUntil: 'load' }), prev.click()]);
  assert.match((await nojs.locator('caption').textContent()) || '', /page 1 of 3/, 'Previous followed without JavaScript');
  await nojs.goto(`${ws.inbox.url}/?page=9`);
  assert.match((await nojs.locator('caption').textContent()) || '', /page 3 of 3/, 'past the end: the last page');
  assert.deepEqual(offProblems, []);
  await off.close();

  assert.deepEqual(problems, []);
  await context.close();
});
