// The guidance as practitioners use it on a phone, in Debian's Chromium:
// search that finds body text (JavaScript on; the server's no-JavaScript
// search is tested in tests/integration/guidance.rs), the "is this a case for the panel?"
// checker by keyboard, the service navigation folded behind a Menu button at
// 375 px, and heading anchors that appear only on hover or focus. axe (WCAG
// 2.2 AA) runs on every state shown.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, cspViolations, formatViolations, getSite, launchBrowser, openNoScriptRendering, openPage } from './lib.mjs';

const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 120_000) };
const PHONE = { viewport: { width: 375, height: 740 } };

const site = await getSite();
let browser;
try {
  browser = await launchBrowser();
} catch (err) {
  await site.close();
  throw err;
}
const url = (p) => site.baseURL + p;

after(async () => {
  await browser?.close();
  await site.close();
});

async function assertAxeClean(page, what) {
  const violations = await axeCheck(page);
  assert.equal(violations.length, 0, formatViolations(violations, what));
}

/** Presses Tab until the focused element matches `selector` (at most `max` times). */
async function tabTo(page, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`Tab never reached ${selector} on ${page.url()}`);
}

describe('search with JavaScript on', () => {
  test('a word only in a page body finds that page, with the match marked', T, async () => {
    const { context, page, problems } = await openPage(browser, url('/search/'), { contextOptions: PHONE });
    try {
      await page.locator('#search-q').pressSequentially('superintendent', { delay: 10 });
      const hit = page.locator('#search-results a[href="/terms-of-reference/review-and-threshold/"]');
      await hit.waitFor({ timeout: 5000 });
      const item = page.locator('#search-results li').filter({ has: page.locator('a[href="/terms-of-reference/review-and-threshold/"]') });
      const mark = item.locator('mark');
      assert.equal((await mark.first().textContent()).toLowerCase(), 'superintendent');
      await assertAxeClean(page, '/search/ with results');
      problems.push(...(await cspViolations(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  for (const q of ['MFHC', 'escalation', 'host force', '999']) {
    test(`"${q}" finds at least one guidance page`, T, async () => {
      const { context, page } = await openPage(browser, url(`/search/?q=${encodeURIComponent(q)}`));
      try {
        const links = page.locator('#search-results a[href]');
        await links.first().waitFor({ timeout: 5000 });
        const hrefs = await links.evaluateAll((els) => els.map((a) => a.getAttribute('href')));
        assert.ok(hrefs.some((h) => !h.startsWith('/glossary/')), `${q}: only ${hrefs.join(' ')}`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('search on a large site, its index in parts', () => {
  test('the parts are fetched and searched as one index, in the same order', T, async () => {
    // This site's index is one file; a large site's is a list of parts
    // (src/site/search_index.rs). Split this one in two, out of order, and
    // the results must be those of the whole.
    const whole = await (await fetch(url('/search-index.json'))).json();
    assert.ok(Array.isArray(whole), 'this site has one index file');
    const half = Math.ceil(whole.length / 2);
    const parts = [whole.slice(half), whole.slice(0, half)];
    const resultsFor = async (q, split) => {
      const { context, page, problems } = await openPage(browser, url('/'));
      try {
        if (split) {
          await context.route('**/search-index.json', (r) =>
            r.fulfill({ json: { parts: ['/search-index/0.json?v=a', '/search-index/1.json?v=b'] } }));
          await context.route('**/search-index/*.json*', (r) =>
            r.fulfill({ json: parts[Number(new URL(r.request().url()).pathname.match(/(\d+)\.json$/)[1])] }));
        }
        await page.goto(url(`/search/?q=${encodeURIComponent(q)}`));
        const links = page.locator('#search-results a[href]');
        await links.first().waitFor({ timeout: 5000 });
        assert.deepEqual(problems, []);
        return await links.evaluateAll((els) => els.map((a) => a.getAttribute('href')));
      } finally {
        await context.close();
      }
    };
    for (const q of ['superintendent', 'referral']) {
      const split = await resultsFor(q, true);
      assert.ok(split.length > 0, `${q}: no results from the parts`);
      assert.deepEqual(split, await resultsFor(q, false), `${q}: the parts give other results`);
    }
  });
});

describe('the checker', () => {
  test('is linked from the home page', T, async () => {
    const { context, page } = await openPage(browser, url('/'));
    try {
      assert.equal(await page.locator('main a[href="/checker/"]').count() > 0, true);
    } finally {
      await context.close();
    }
  });

  // One path to each kind of ending, answered by keyboard alone at 375 px.
  const paths = [
    { answers: ['No', 'Yes', 'Yes', 'No, it can wait for the monthly meeting', 'Yes', 'Yes', 'In the Northumbria Police area'], ends: '/checker/refer/', heading: 'Make a PREM referral' },
    { answers: ['No', 'Yes', 'No, not yet'], ends: '/checker/procedures-first/', heading: 'Follow the standard safeguarding procedures first' },
    { answers: ['No', 'Yes', 'Yes', 'Yes'], ends: '/checker/extraordinary-urgent/', heading: 'Ask for an extraordinary meeting' },
  ];
  for (const { answers, ends, heading } of paths) {
    test(`by keyboard to ${ends}, every page axe-clean at 375 px`, T, async () => {
      const { context, page, problems } = await openPage(browser, url('/checker/'), { contextOptions: PHONE });
      try {
        await assertAxeClean(page, '/checker/');
        await tabTo(page, 'a.govuk-button--start');
        await Promise.all([page.waitForURL(/\/checker\/[a-z-]+\/$/), page.keyboard.press('Enter')]);
        for (const answer of answers) {
          await assertAxeClean(page, page.url());
          assert.ok(await page.locator('h1').isVisible(), `${page.url()}: no visible question`);
          const before = page.url();
          const link = page.locator('.app-checker__answers').getByRole('link', { name: answer, exact: true });
          const target = await link.getAttribute('href');
          await tabTo(page, `.app-checker__answer[href="${target}"]`);
          await Promise.all([page.waitForURL((u) => u.href !== before), page.keyboard.press('Enter')]);
        }
        assert.equal(new URL(page.url()).pathname, ends);
        assert.equal((await page.locator('h1').textContent()).trim(), heading);
        await assertAxeClean(page, ends);
        problems.push(...(await cspViolations(page)));
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe('service navigation on a 375 px phone', () => {
  test('with JavaScript, the links fold behind a Menu button that opens by keyboard', T, async () => {
    const { context, page } = await openPage(browser, url('/terms-of-reference/'), { contextOptions: PHONE });
    try {
      const toggle = page.locator('.govuk-service-navigation__toggle');
      const list = page.locator('#navigation');
      assert.ok(await toggle.isVisible(), 'no visible Menu button');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await list.isVisible(), false, 'links shown before the menu is opened');
      await assertAxeClean(page, 'navigation closed');
      await tabTo(page, '.govuk-service-navigation__toggle');
      await page.keyboard.press('Enter');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.ok(await list.isVisible(), 'links hidden after opening the menu');
      assert.ok(await page.locator('#navigation a[href="/search/"]').isVisible());
      await assertAxeClean(page, 'navigation open');
      await page.keyboard.press('Enter');
      assert.equal(await list.isVisible(), false, 'a second press closes the menu');
    } finally {
      await context.close();
    }
  });

  test('without JavaScript, every link is shown and the button is not', T, async () => {
    const { context, page } = await openNoScriptRendering(browser, url('/terms-of-reference/'), { contextOptions: PHONE });
    try {
      assert.equal(await page.locator('.govuk-service-navigation__toggle').isVisible(), false);
      const links = page.locator('#navigation a');
      const n = await links.count();
      assert.ok(n >= 3, `only ${n} navigation links`);
      for (let i = 0; i < n; i++) assert.ok(await links.nth(i).isVisible(), `navigation link ${i} hidden`);
      await assertAxeClean(page, 'navigation without JavaScript');
    } finally {
      await context.close();
    }
  });

  test('on a wide screen the links show and the button does not', T, async () => {
    const { context, page } = await openPage(browser, url('/'), { contextOptions: { viewport: { width: 1024, height: 768 } } });
    try {
      assert.equal(await page.locator('.govuk-service-navigation__toggle').isVisible(), false);
      assert.ok(await page.locator('#navigation').isVisible());
    } finally {
      await context.close();
    }
  });
});

test('a heading anchor shows only on hover or focus', T, async () => {
  const { context, page } = await openPage(browser, url('/terms-of-reference/eligibility/'));
  try {
    const anchor = page.locator('.app-prose h2 .app-heading-link').first();
    const opacity = () => anchor.evaluate((a) => getComputedStyle(a).opacity);
    assert.equal(await opacity(), '0', 'anchor shown before hover');
    await anchor.focus();
    assert.equal(await opacity(), '1', 'anchor hidden while focused');
    await page.locator('h1').hover();
    await anchor.evaluate((a) => a.blur());
    assert.equal(await opacity(), '0');
    await page.locator('.app-prose h2').first().hover();
    assert.equal(await opacity(), '1', 'anchor hidden on hover');
  } finally {
    await context.close();
  }
});
