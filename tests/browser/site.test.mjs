// The browser suite for the generated site: every page and every deck in
// Debian's Chromium, with JavaScript on and off.
//
//   npm run test:browser                       build with cargo, serve, test
//   PREM_SITE_DIR=public npm run test:browser  test an already built site
//   PREM_BASE_URL=http://127.0.0.1:8080 npm run test:browser   a running server
//
// One browser for the whole file; pages are checked PREM_CONCURRENCY (2) at a
// time. See lib.mjs for the helpers and the other environment variables.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  CONCURRENCY,
  artefactDir,
  axeCheck,
  cspViolations,
  deckPaths,
  discoverPages,
  faviconProblem,
  formatViolations,
  getSite,
  inViewport,
  launchBrowser,
  openNoScriptRendering,
  openPage,
  pdfPageCount,
  sitemapPaths,
} from './lib.mjs';

/** Pages checked besides the sitemap's (the kiosk forms will join this list). */
const EXTRA_PATHS = ['/404.html', '/search/?q=referral'];

/** Per-test time limit, so a hang fails the test instead of CI. */
const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 120_000) };

/** Elements that must not be printed: header and navigation. */
const NO_PRINT = '.govuk-header, .app-no-print, .govuk-service-navigation, .govuk-breadcrumbs';

/** A slide of a deck (/roadshow/<deck>/), and of its handout. */
const SLIDE = 'section.slide';
const HANDOUT_SLIDE = 'section.slide, .app-handout__slide';

/** Where the search page shows its results (matched loosely, inside <main>). */
const SEARCH_INPUT = 'main input[type="search"], main input[name="q"]';
const SEARCH_RESULT_LINKS = 'main [id*="result" i] a[href], main [class*="result" i] a[href]';

const site = await getSite();
let browser;
let pages;
try {
  browser = await launchBrowser();
  pages = await discoverPages(site, { extra: EXTRA_PATHS });
} catch (err) {
  await browser?.close();
  await site.close();
  throw err;
}
const decks = deckPaths(pages);
const url = (p) => site.baseURL + p;
process.stderr.write(`${pages.length} pages to check on ${site.baseURL}, ${decks.length} deck(s), concurrency ${CONCURRENCY}\n`);

/** Every failure of the page sweeps, by kind, for one summary at the end. */
const summary = new Map();
function tally(kind, where) {
  if (!summary.has(kind)) summary.set(kind, new Set());
  summary.get(kind).add(where);
}
function tallyViolations(violations, where) {
  for (const v of violations) tally(`axe ${v.id} [${v.impact}]: ${v.help}`, where);
}
function tallyProblems(problems, where) {
  for (const pr of problems) tally(pr.replace(/https?:\/\/[^/\s]+/g, '').replace(/:\d+\)/g, ')').slice(0, 160), where);
}

after(async () => {
  if (summary.size) {
    const lines = ['', `SUMMARY of page-sweep failures (${summary.size} kind(s)):`];
    for (const [kind, where] of [...summary].sort((a, b) => b[1].size - a[1].size)) {
      lines.push(`  ${kind}`, `    on ${where.size} page(s): ${[...where].sort().join(' ')}`);
    }
    process.stderr.write(lines.join('\n') + '\n');
  }
  await browser.close();
  await site.close();
});

/** Fails with every problem listed, page URL first. */
function assertNoProblems(pageUrl, problems, what) {
  assert.ok(problems.length === 0, `${problems.length} ${what} on ${pageUrl}:\n  ${problems.join('\n  ')}`);
}

/** The first content page that is not home, search, 404, glossary or a deck. */
function aContentPage() {
  const candidates = pages.filter(
    (p) => p !== '/' && !p.startsWith('/roadshow/') && !p.startsWith('/search') && p !== '/404.html' && p.endsWith('/'),
  );
  return candidates.find((p) => p.split('/').length > 3) ?? candidates[0] ?? '/';
}

describe('every page with JavaScript on: axe WCAG 2.2 AA, no console error, CSP violation or failed request', { concurrency: CONCURRENCY }, () => {
  for (const p of pages) {
    test(p, T, async () => {
      const { context, page, problems } = await openPage(browser, url(p));
      try {
        const violations = await axeCheck(page);
        problems.push(...(await cspViolations(page)));
        const favicon = await faviconProblem(page);
        if (favicon) problems.push(favicon);
        tallyViolations(violations, p);
        tallyProblems(problems, p);
        const failures = [];
        if (violations.length) failures.push(formatViolations(violations, url(p)));
        if (problems.length) failures.push(`${problems.length} console/network problem(s) on ${url(p)}:\n  ${problems.join('\n  ')}`);
        assert.ok(failures.length === 0, failures.join('\n'));
      } finally {
        await context.close();
      }
    });
  }
});

describe('every page with JavaScript off: an <h1>, visible main content, decks as a scrolling page, axe', { concurrency: CONCURRENCY }, () => {
  for (const p of pages) {
    test(p, T, async () => {
      const { context, page, problems } = await openPage(browser, url(p), { javaScriptEnabled: false });
      try {
        const failures = [];
        const h1 = page.locator('h1');
        if ((await h1.count()) === 0) failures.push('no <h1>');
        else if (!(await h1.first().isVisible())) failures.push('the first <h1> is not visible');

        const main = page.locator('main, #main-content').first();
        if ((await main.count()) === 0) failures.push('no <main> or #main-content');
        else {
          if (!(await main.isVisible())) failures.push('<main> is not visible');
          const text = (await main.innerText()).trim();
          if (text.length < 20) failures.push(`<main> has almost no visible text (${JSON.stringify(text)})`);
        }

        if (/^\/roadshow\/[^/]+\/(handout\/)?$/.test(p)) {
          const sel = p.endsWith('/handout/') ? HANDOUT_SLIDE : SLIDE;
          const slides = page.locator(sel);
          const n = await slides.count();
          let visible = 0;
          const hidden = [];
          for (let i = 0; i < n; i++) {
            if (await slides.nth(i).isVisible()) visible++;
            else hidden.push((await slides.nth(i).getAttribute('id')) ?? `#${i + 1}`);
          }
          if (n < 2) failures.push(`only ${n} slide(s) (${sel}); a deck needs more than one`);
          else if (visible !== n) failures.push(`only ${visible} of ${n} slides visible without JavaScript; hidden: ${hidden.join(', ')}`);
        }

        if (problems.length) failures.push(`console/network problem(s):\n  ${problems.join('\n  ')}`);
        for (const f of failures) tally(`no-JS: ${f.replace(/[\d]+ of [\d]+/g, 'N of M').slice(0, 120)}`, p);

        // axe on the no-JS rendering too (decks lay out differently without
        // JS). A page with no script and no <noscript> renders the same either
        // way, and the JavaScript-on pass has checked it already.
        const scripted = await page.evaluate(() => document.querySelectorAll('script, noscript').length > 0);
        if (scripted) {
          const noJs = await openNoScriptRendering(browser, url(p));
          try {
            const violations = await axeCheck(noJs.page);
            if (violations.length) failures.push(formatViolations(violations, `${url(p)} (JavaScript off)`));
            tallyViolations(violations, `${p}(no-JS)`);
          } finally {
            await noJs.context.close();
          }
        }
        assert.ok(failures.length === 0, `${url(p)} with JavaScript off:\n  ${failures.join('\n  ')}`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('roadshow decks', () => {
  test('the deck index /roadshow/ lists at least one deck', T, () => {
    assert.ok(decks.length > 0, `no /roadshow/<deck>/ page in the sitemap or linked from /roadshow/ (pages: ${pages.join(' ')})`);
  });

  for (const deck of decks) {
    test(`keyboard navigation of ${deck}`, T, async () => {
      const { context, page, problems } = await openPage(browser, url(deck));
      try {
        const slides = page.locator(SLIDE);
        const n = await slides.count();
        assert.ok(n > 1, `${deck}: ${n} slide(s) (${SLIDE})`);
        const ids = await slides.evaluateAll((els) => els.map((e) => e.id));
        assert.deepEqual(ids, ids.map((_, i) => `slide-${i + 1}`), `${deck}: slide ids must be slide-1..slide-${n} in order`);

        const hash = () => page.evaluate(() => location.hash);
        const expectSlide = async (k, after) => {
          try {
            await page.waitForFunction((h) => location.hash === h, `#slide-${k}`, { timeout: 3000 });
          } catch {
            assert.fail(`${deck}: after ${after} the URL fragment is ${JSON.stringify(await hash())}, expected #slide-${k}`);
          }
          const s = page.locator(`#slide-${k}`);
          assert.ok(await s.isVisible(), `${deck}: after ${after}, #slide-${k} is not visible`);
          assert.ok(await inViewport(s), `${deck}: after ${after}, #slide-${k} is not on screen`);
          const current = await page.locator('section.slide[aria-current]:not([aria-current="false"])').evaluateAll((els) => els.map((e) => e.id));
          if (current.length) assert.deepEqual(current, [`slide-${k}`], `${deck}: after ${after}, aria-current is on ${current.join(', ')}`);
        };

        const start = await hash();
        assert.ok(start === '' || start === '#slide-1', `${deck}: starts at ${JSON.stringify(start)}, expected no fragment or #slide-1`);
        assert.ok(await inViewport(page.locator('#slide-1')), `${deck}: #slide-1 is not on screen at load`);

        await page.keyboard.press('ArrowRight');
        await expectSlide(2, 'ArrowRight');
        await page.keyboard.press('ArrowLeft');
        await expectSlide(1, 'ArrowRight, ArrowLeft');
        await page.keyboard.press('End');
        await expectSlide(n, 'End');
        await page.keyboard.press('Home');
        await expectSlide(1, 'End, Home');
        await page.keyboard.press('Space');
        await expectSlide(2, 'Home, Space');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await expectSlide(1, 'ArrowLeft at the first slide');

        // A fragment per slide: loading deck#slide-N shows slide N.
        if (n >= 3) {
          await page.goto(url(deck) + '#slide-3');
          await page.reload();
          await expectSlide(3, `loading ${deck}#slide-3`);
          await page.keyboard.press('ArrowLeft');
          await expectSlide(2, `loading ${deck}#slide-3, ArrowLeft`);
        }
        problems.push(...(await cspViolations(page)));
        assertNoProblems(url(deck), problems, 'console/network problem(s)');
      } finally {
        await context.close();
      }
    });
  }
});

describe('print', () => {
  const outDir = artefactDir();

  async function printCheck(p, { handout }) {
    const { context, page, problems } = await openPage(browser, url(p));
    try {
      const failures = [];
      const screenCount = await page.locator(NO_PRINT).count();
      if (!handout && screenCount === 0) failures.push(`no ${NO_PRINT} element at all, so nothing was checked`);
      await page.emulateMedia({ media: 'print' });
      const shown = [];
      for (const el of await page.locator(NO_PRINT).all()) {
        if (await el.isVisible()) shown.push(await el.evaluate((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`));
      }
      if (shown.length) failures.push(`printed, but should not be (${NO_PRINT}): ${shown.join(', ')}`);

      let slides = 0;
      if (handout) {
        const s = page.locator(HANDOUT_SLIDE);
        slides = await s.count();
        if (slides < 2) failures.push(`the handout has ${slides} slide(s) (${HANDOUT_SLIDE})`);
        for (let i = 0; i < slides; i++) {
          if (!(await s.nth(i).isVisible())) failures.push(`slide ${i + 1} is not visible in print`);
        }
      }

      const file = path.join(await outDir, `${p.replace(/^\/|\/$/g, '').replace(/[^a-z0-9]+/gi, '-') || 'home'}.pdf`);
      const pdf = await page.pdf({ format: 'A4', path: file, printBackground: true });
      const count = pdfPageCount(pdf);
      process.stderr.write(`${p}: ${file} (${count} A4 page(s)${handout ? ` for ${slides} slides` : ''})\n`);
      if (pdf.length < 1000) failures.push(`the PDF is only ${pdf.length} bytes`);
      if (handout && count < slides) failures.push(`the PDF has ${count} page(s) for ${slides} slides (one slide per A4 page)`);
      failures.push(...problems);
      assert.ok(failures.length === 0, `${url(p)} printed (${file}):\n  ${failures.join('\n  ')}`);
    } finally {
      await context.close();
    }
  }

  test('a content page prints on A4 without header and navigation', T, async () => {
    await printCheck(aContentPage(), { handout: false });
  });

  for (const deck of decks) {
    test(`the handout of ${deck} prints on A4, one slide per page, without header and navigation`, T, async () => {
      await printCheck(deck + 'handout/', { handout: true });
    });
  }
});

describe('skip link', { concurrency: CONCURRENCY }, () => {
  const targets = [...new Set(['/', aContentPage(), '/search/', '/404.html', ...decks.slice(0, 1)])];
  for (const javaScriptEnabled of [true, false]) {
    for (const p of targets) {
      test(`${p} (JavaScript ${javaScriptEnabled ? 'on' : 'off'}): Tab first focuses "Skip to main content"`, T, async () => {
        const { context, page } = await openPage(browser, url(p), { javaScriptEnabled });
        try {
          const atLoad = await page.evaluate(() => {
            const e = document.activeElement;
            return `${location.hash ? `URL ${location.hash}, ` : ''}focus at load on <${e.tagName.toLowerCase()}${e.id ? ` id="${e.id}"` : ''}>, scrollY ${Math.round(scrollY)}`;
          });
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const e = document.activeElement;
            return e && { tag: e.tagName, cls: e.className, text: e.textContent.trim(), href: e.getAttribute('href') };
          });
          assert.ok(focused && /\bgovuk-skip-link\b/.test(focused.cls), `${p}: first Tab focused ${JSON.stringify(focused)}, not .govuk-skip-link (${atLoad})`);
          assert.equal(focused.text, 'Skip to main content', `${p}: skip link text`);
          assert.match(focused.href ?? '', /^#./, `${p}: skip link href`);
          const id = focused.href.slice(1);
          assert.ok(await page.evaluate((i) => !!document.getElementById(i), id), `${p}: skip link target #${id} does not exist`);
          assert.ok(await page.locator(`#${id}`).isVisible(), `${p}: skip link target #${id} is not visible`);
          await page.keyboard.press('Enter');
          assert.equal(await page.evaluate(() => location.hash), `#${id}`, `${p}: Enter on the skip link did not go to #${id}`);
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('search', () => {
  test('with JavaScript on, typing "eligibility" on /search/ shows at least one result link', T, async () => {
    const { context, page, problems } = await openPage(browser, url('/search/'));
    try {
      const input = page.locator(SEARCH_INPUT).first();
      assert.ok((await input.count()) === 1, `/search/: no search input (${SEARCH_INPUT})`);
      await input.click();
      await input.pressSequentially('eligibility', { delay: 20 });
      const results = page.locator(SEARCH_RESULT_LINKS).filter({ visible: true });
      let found = await results.first().waitFor({ timeout: 3000 }).then(() => true, () => false);
      if (!found) {
        // Search on submit rather than as you type: submit and look again.
        await input.press('Enter');
        await page.waitForLoadState('load');
        found = await results.first().waitFor({ timeout: 3000 }).then(() => true, () => false);
      }
      assert.ok(found, `/search/: no visible result link (${SEARCH_RESULT_LINKS}) for "eligibility", as you type or after Enter`);
      const hrefs = await results.evaluateAll((els) => els.map((a) => a.href));
      const res = await fetch(hrefs[0]);
      assert.equal(res.status, 200, `/search/: the first result ${hrefs[0]} answers HTTP ${res.status}`);
      problems.push(...(await cspViolations(page)));
      assertNoProblems(url('/search/'), problems, 'console/network problem(s)');
      process.stderr.write(`search "eligibility": ${hrefs.length} result link(s), first ${hrefs[0]}\n`);
    } finally {
      await context.close();
    }
  });

  test('with JavaScript off, /search/ shows the A–Z list of pages', T, async () => {
    const { context, page, problems } = await openPage(browser, url('/search/'), { javaScriptEnabled: false });
    try {
      const wanted = (await sitemapPaths(site.baseURL)).filter(
        (p) => p !== '/' && !p.startsWith('/search') && !/\/(presenter|handout)\/$/.test(p),
      );
      const links = await page.locator('main a[href]').evaluateAll((els) =>
        els.filter((a) => a.offsetParent !== null).map((a) => ({ path: new URL(a.href).pathname, text: a.textContent.trim() })),
      );
      const linked = new Set(links.map((l) => l.path));
      const missing = wanted.filter((p) => !linked.has(new URL(p, 'http://x').pathname));
      assert.ok(
        missing.length <= wanted.length * 0.2,
        `/search/ without JavaScript links only ${wanted.length - missing.length} of ${wanted.length} sitemap pages; missing: ${missing.join(' ')}`,
      );
      const listed = links.filter((l) => wanted.includes(l.path)).map((l) => l.text);
      const firstLetters = listed.map((t) => t.replace(/^[^\p{L}\p{N}]+/u, '').charAt(0).toLocaleUpperCase('en-GB'));
      const outOfOrder = firstLetters.findIndex((c, i) => i > 0 && c.localeCompare(firstLetters[i - 1], 'en-GB') < 0);
      assert.equal(outOfOrder, -1, `/search/ without JavaScript: the page list is not A–Z: ${JSON.stringify(listed[outOfOrder - 1])} before ${JSON.stringify(listed[outOfOrder])}`);
      assertNoProblems(url('/search/'), problems, 'console/network problem(s)');
    } finally {
      await context.close();
    }
  });
});

test('the 404 page is served for an unknown path', T, async () => {
  const { context, page, problems } = await openPage(browser, url('/no-such-page-here/'), { expectStatus: 404 });
  try {
    assert.ok(await page.locator('h1').first().isVisible(), 'the 404 page has no visible <h1>');
    assertNoProblems(url('/no-such-page-here/'), problems, 'console/network problem(s)');
  } finally {
    await context.close();
  }
});
