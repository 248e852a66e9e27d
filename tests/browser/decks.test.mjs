// Roadshow decks as a trainer uses them: projected full window at projector
// and laptop sizes, driven by keyboard and clicker keys, kept in step with
// the presenter view in a second window, read without JavaScript, checked
// with axe in every state, and printed to PDF (A4 handout, 16:9 slides).
//
//   node --test tests/browser/decks.test.mjs
//
// Same environment variables as site.test.mjs (see lib.mjs and README.md).

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  artefactDir,
  axeCheck,
  cspViolations,
  deckPaths,
  discoverPages,
  formatViolations,
  getSite,
  inViewport,
  launchBrowser,
  openNoScriptRendering,
  openPage,
} from './lib.mjs';

const T = { timeout: Number(process.env.PREM_TEST_TIMEOUT_MS || 120_000) };
const run = promisify(execFile);

/** Every layout the README documents; the real decks must show each one. */
const LAYOUTS = ['title', 'two-columns', 'image', 'big-number', 'quote', 'section'];

const site = await getSite();
let browser;
let decks;
try {
  browser = await launchBrowser();
  decks = deckPaths(await discoverPages(site));
} catch (err) {
  await browser?.close();
  await site.close();
  throw err;
}
const url = (p) => site.baseURL + p;
after(async () => {
  await browser.close();
  await site.close();
});

function assertNoProblems(where, problems) {
  assert.ok(problems.length === 0, `${problems.length} console/network problem(s) on ${where}:\n  ${problems.join('\n  ')}`);
}

/** The layout of each slide of a deck, from its class, in order. */
async function layoutsOf(page) {
  return page.locator('[data-deck] section.slide').evaluateAll((els) =>
    els.map((e) => (/\bapp-slide--([a-z-]+)/.exec(e.className) || [])[1] || 'content'),
  );
}

/** The deck with the most distinct layouts: the one the layout tests use. */
async function richestDeck() {
  let best = null;
  for (const d of decks) {
    const { context, page } = await openPage(browser, url(d), { javaScriptEnabled: false });
    const layouts = await layoutsOf(page);
    await context.close();
    const distinct = new Set(layouts).size;
    if (!best || distinct > best.distinct) best = { deck: d, layouts, distinct };
  }
  return best;
}

const rich = await richestDeck();
const slideOf = (layout) => rich.layouts.indexOf(layout) + 1;

/** Box of the visible slide, the viewport, and whether its text fits its box. */
async function stageGeometry(page) {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('[data-deck] section.slide')].filter((s) => !s.hidden);
    const s = shown[0];
    const r = s.getBoundingClientRect();
    const body = s.querySelector('.app-slide__body');
    const count = s.querySelector('.app-slide__count');
    const cr = count.getBoundingClientRect();
    const chrome = ['.govuk-header', '.govuk-service-navigation', '.govuk-footer', '.govuk-breadcrumbs'].filter((sel) => {
      const e = document.querySelector(sel);
      if (!e) return false;
      const b = e.getBoundingClientRect();
      return b.height > 0 && b.bottom > 0 && b.top < innerHeight;
    });
    return {
      shown: shown.map((x) => x.id),
      x: r.x, y: r.y, w: r.width, h: r.height, vw: innerWidth, vh: innerHeight,
      overflow: body.scrollHeight - body.clientHeight,
      countInside: cr.width > 0 && cr.left >= r.left && cr.right <= r.right && cr.top >= r.top && cr.bottom <= r.bottom,
      countText: count.textContent.trim(),
      chrome,
    };
  });
}

describe('projection', () => {
  test('the real decks show every documented layout and an image', T, async () => {
    const all = new Set();
    for (const d of decks) {
      const { context, page } = await openPage(browser, url(d), { javaScriptEnabled: false });
      for (const l of await layoutsOf(page)) all.add(l);
      await context.close();
    }
    const missing = LAYOUTS.filter((l) => !all.has(l));
    assert.deepEqual(missing, [], `no deck uses the layout(s) ${missing.join(', ')} (decks: ${decks.join(' ')})`);
    const { context, page, problems } = await openPage(browser, url(rich.deck), { javaScriptEnabled: false });
    try {
      const imgs = await page.locator('[data-deck] img').evaluateAll((els) => els.map((i) => ({ src: i.getAttribute('src'), alt: i.alt, w: i.naturalWidth })));
      assert.ok(imgs.length > 0, `${rich.deck}: no image in the deck`);
      for (const i of imgs) {
        assert.ok(i.src.startsWith('/'), `image src ${i.src} should be an absolute site path`);
        assert.ok(i.alt.trim().length > 10, `image ${i.src} has no real alt text`);
        assert.ok(i.w > 0, `image ${i.src} did not load`);
      }
      assertNoProblems(url(rich.deck), problems);
    } finally {
      await context.close();
    }
  });

  for (const [width, height] of [[1280, 720], [1024, 768], [3840, 2160]]) {
    test(`at ${width}x${height} every slide of every deck fills the window at 16:9, without site chrome, its text inside the box`, T, async () => {
      const failures = [];
      for (const d of decks) {
        const { context, page, problems } = await openPage(browser, url(d), { contextOptions: { viewport: { width, height } } });
        try {
          const total = await page.locator('[data-deck] section.slide').count();
          const layouts = await layoutsOf(page);
          for (let n = 1; n <= total; n++) {
            if (n > 1) await page.keyboard.press('PageDown');
            const g = await stageGeometry(page);
            const where = `${d} slide ${n} (${layouts[n - 1]})`;
            if (g.shown.join() !== `slide-${n}`) { failures.push(`${where}: shown ${g.shown.join()}`); continue; }
            const fullW = Math.abs(g.w - g.vw) <= 1;
            const fullH = Math.abs(g.h - g.vh) <= 1;
            if (!fullW && !fullH) failures.push(`${where}: ${g.w}x${g.h} fills neither the width nor the height of ${g.vw}x${g.vh}`);
            if (Math.abs(g.w / g.h - 16 / 9) > 0.01) failures.push(`${where}: ${g.w}x${g.h} is not 16:9`);
            if (g.x < -0.5 || g.y < -0.5 || g.x + g.w > g.vw + 0.5 || g.y + g.h > g.vh + 0.5) failures.push(`${where}: box ${JSON.stringify(g)} is not wholly on screen`);
            if (Math.abs(g.x - (g.vw - g.w) / 2) > 1 || Math.abs(g.y - (g.vh - g.h) / 2) > 1) failures.push(`${where}: not centred (${g.x}, ${g.y})`);
            if (g.overflow > 1) failures.push(`${where}: text overflows its box by ${g.overflow}px`);
            if (!g.countInside || !g.countText.startsWith(`Slide ${n} of ${total}`)) failures.push(`${where}: slide number "${g.countText}" not shown inside the slide`);
            if (g.chrome.length) failures.push(`${where}: site chrome on screen: ${g.chrome.join(', ')}`);
          }
          if (width === 1280 && d === rich.deck) {
            await page.goto(url(d) + `#slide-${slideOf('image')}`);
            await page.screenshot({ path: path.join(await artefactDir(), 'deck-image-slide-1280x720.png') });
          }
          problems.push(...(await cspViolations(page)));
          if (problems.length) failures.push(`${d}: ${problems.join('; ')}`);
        } finally {
          await context.close();
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  test(`on a phone held upright (375x812) ${rich.deck} keeps the site and readable text, one slide at a time`, T, async () => {
    const { context, page, problems } = await openPage(browser, url(rich.deck), { contextOptions: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } });
    try {
      assert.ok(await page.locator('.govuk-header').isVisible(), 'the site header is hidden');
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('app-projecting')), false, 'projecting on a phone');
      for (const n of [1, slideOf('two-columns'), slideOf('image')]) {
        await page.evaluate((h) => { location.hash = h; }, `#slide-${n}`);
        await page.waitForFunction((id) => !document.getElementById(id).hidden, `slide-${n}`);
        const shown = await page.locator('[data-deck] section.slide').evaluateAll((els) => els.filter((e) => !e.hidden).map((e) => e.id));
        assert.deepEqual(shown, [`slide-${n}`]);
        const px = await page.locator(`#slide-${n} .app-slide__body`).evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
        assert.ok(px >= 16, `slide ${n}: text is ${px}px`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        assert.ok(overflow <= 0, `slide ${n}: the page scrolls sideways by ${overflow}px`);
      }
      await page.getByRole('button', { name: 'Next slide' }).tap();
      await page.waitForFunction((h) => location.hash === h, `#slide-${slideOf('image') + 1}`, { timeout: 3000 });
      assertNoProblems(url(rich.deck), problems);
    } finally {
      await context.close();
    }
  });

  test(`keys move through ${rich.deck}, each slide has its URL, and each move is announced politely`, T, async () => {
    const { context, page, problems } = await openPage(browser, url(rich.deck), { contextOptions: { viewport: { width: 1024, height: 768 } } });
    const total = rich.layouts.length;
    const at = async (n, after) => {
      await page.waitForFunction((h) => location.hash === h, `#slide-${n}`, { timeout: 3000 }).catch(() => {});
      const g = await stageGeometry(page);
      assert.equal(await page.evaluate(() => location.hash), `#slide-${n}`, `after ${after}: URL fragment`);
      assert.deepEqual(g.shown, [`slide-${n}`], `after ${after}: visible slide`);
      assert.ok(await inViewport(page.locator(`#slide-${n}`)), `after ${after}: slide ${n} off screen`);
      const said = await page.locator('[data-deck-status]').textContent();
      assert.match(said, new RegExp(`^Slide ${n} of ${total}: `), `after ${after}: live region says "${said}"`);
    };
    try {
      assert.equal(await page.locator('[role="application"]').count(), 0, 'no role=application');
      assert.equal(await page.locator('[data-deck-status]').getAttribute('aria-live'), 'polite');
      await page.keyboard.press('PageDown'); await at(2, 'PageDown');
      await page.keyboard.press('ArrowRight'); await at(3, 'ArrowRight');
      await page.keyboard.press('Space'); await at(4, 'Space');
      await page.keyboard.press('Shift+Space'); await at(3, 'Shift+Space');
      await page.keyboard.press('PageUp'); await at(2, 'PageUp');
      await page.keyboard.press('ArrowLeft'); await at(1, 'ArrowLeft');
      await page.keyboard.press('End'); await at(total, 'End');
      await page.keyboard.press('ArrowRight'); await at(total, 'ArrowRight at the end');
      await page.keyboard.press('Home'); await at(1, 'Home');
      // The buttons under the stage do the same for a mouse or touch screen.
      await page.getByRole('button', { name: 'Next slide' }).click(); await at(2, 'the Next slide button');
      // A URL per slide: loading it opens that slide, at the top of the window.
      const n = slideOf('quote');
      await page.goto(url(rich.deck) + `#slide-${n}`);
      await page.waitForLoadState('load');
      const g = await stageGeometry(page);
      assert.deepEqual(g.shown, [`slide-${n}`], `loading #slide-${n}`);
      assert.ok(Math.abs(g.y - (g.vh - g.h) / 2) <= 1, `loading #slide-${n}: the stage is scrolled (${g.y})`);
      // F asks for full screen on the stage, and F again leaves it.
      await page.keyboard.press('f');
      const full = await page.waitForFunction(() => document.fullscreenElement?.matches('[data-deck]'), null, { timeout: 3000 }).then(() => true, () => false);
      assert.ok(full, 'F did not put the stage in full screen');
      await page.keyboard.press('F');
      await page.waitForFunction(() => !document.fullscreenElement, null, { timeout: 3000 });
      problems.push(...(await cspViolations(page)));
      assertNoProblems(url(rich.deck), problems);
    } finally {
      await context.close();
    }
  });
});

describe('presenter view', () => {
  test(`${rich.deck}presenter/ opens the audience window and both stay in step, whichever one moves`, T, async () => {
    const { context, page, problems } = await openPage(browser, url(rich.deck + 'presenter/'), { contextOptions: { viewport: { width: 1280, height: 800 } } });
    const total = rich.layouts.length;
    const shown = (p) => p.locator('[data-deck] section.slide').evaluateAll((els) => els.filter((e) => !e.hidden).map((e) => e.id));
    const waitBoth = async (audience, n, after) => {
      for (const [name, p] of [['presenter', page], ['audience', audience]]) {
        // Until a window moves, its URL may have no fragment: that is slide 1.
        const ok = await p
          .waitForFunction((h) => location.hash === h || (h === '#slide-1' && location.hash === ''), `#slide-${n}`, { timeout: 3000 })
          .then(() => true, () => false);
        assert.ok(ok, `after ${after}: the ${name} window is at ${await p.evaluate(() => location.hash)}, not #slide-${n}`);
        assert.deepEqual(await shown(p), [`slide-${n}`], `after ${after}: the ${name} window shows the wrong slide`);
      }
    };
    try {
      // The console: position, timer, clock, notes and the next slide.
      assert.ok(await page.locator('[data-presenter-bar]').isVisible(), 'the presenter bar is hidden');
      assert.match(await page.locator('[data-clock]').textContent(), /^\d\d:\d\d$/, 'clock');
      assert.equal(await page.locator('[data-deck-position]').textContent(), `1 of ${total}`);
      const step = page.locator('#slide-1');
      assert.ok(await step.locator('.app-presenter__notes').isVisible(), 'notes are not shown');
      assert.ok(await step.locator('[data-next-preview] .app-frame').isVisible(), 'no preview of the next slide');
      assert.equal(await step.locator('[data-next-preview] [id], [data-next-preview] [href]').count(), 0, 'the preview copies ids or links');
      assert.equal(await page.locator('[data-timer]').textContent(), '0:00');
      await page.getByRole('button', { name: 'Start timer' }).click();
      await page.waitForFunction(() => document.querySelector('[data-timer]').textContent !== '0:00', null, { timeout: 4000 });
      await page.getByRole('button', { name: 'Pause timer' }).click();
      await page.getByRole('button', { name: 'Reset timer' }).click();
      assert.equal(await page.locator('[data-timer]').textContent(), '0:00', 'reset');

      const [audience] = await Promise.all([
        context.waitForEvent('page'),
        page.getByRole('button', { name: 'Open audience window' }).click(),
      ]);
      await audience.waitForLoadState('load');
      assert.equal(new URL(audience.url()).pathname, rich.deck, 'the audience window shows the slides page');
      await audience.setViewportSize({ width: 1280, height: 720 });
      await waitBoth(audience, 1, 'opening the audience window');

      await page.bringToFront();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('PageDown');
      await waitBoth(audience, 3, 'two moves in the presenter view');
      assert.equal(await page.locator('[data-deck-position]').textContent(), `3 of ${total}`);

      // A clicker plugged into the projector's laptop talks to the audience window.
      await audience.bringToFront();
      await audience.keyboard.press('PageDown');
      await waitBoth(audience, 4, 'PageDown in the audience window');
      await audience.keyboard.press('End');
      await waitBoth(audience, total, 'End in the audience window');
      await page.bringToFront();
      await page.keyboard.press('Home');
      await waitBoth(audience, 1, 'Home in the presenter view');

      // A reloaded audience window asks where the presenter is.
      await page.keyboard.press('ArrowRight');
      await waitBoth(audience, 2, 'ArrowRight in the presenter view');
      await audience.goto(url(rich.deck));
      await audience.waitForFunction(() => location.hash === '#slide-2', null, { timeout: 3000 });

      // A slides page the presenter did not open is left alone.
      const other = await context.newPage();
      await other.goto(url(rich.deck));
      await page.keyboard.press('ArrowRight');
      await waitBoth(audience, 3, 'ArrowRight with an unrelated tab open');
      assert.equal(await other.evaluate(() => location.hash), '', 'an unrelated slides tab followed the presenter');

      problems.push(...(await cspViolations(page)), ...(await cspViolations(audience)));
      assertNoProblems(url(rich.deck + 'presenter/'), problems);
    } finally {
      await context.close();
    }
  });
});

describe('without JavaScript', () => {
  for (const [width, cols] of [[1280, 2], [375, 1]]) {
    test(`${rich.deck} is one scrolling page with the site around it; at ${width}px wide the columns are ${cols === 2 ? 'side by side' : 'stacked'}`, T, async () => {
      const { context, page, problems } = await openPage(browser, url(rich.deck), { javaScriptEnabled: false, contextOptions: { viewport: { width, height: 800 } } });
      try {
        assert.ok(await page.locator('.govuk-header').isVisible(), 'the site header is hidden');
        const slides = page.locator('[data-deck] section.slide');
        const n = await slides.count();
        for (let i = 0; i < n; i++) assert.ok(await slides.nth(i).isVisible(), `slide ${i + 1} hidden`);
        assert.equal(await page.locator('h1').count(), 1, 'one h1');
        assert.ok(await page.locator('h1').isVisible(), 'the h1 is hidden');
        const colTops = await page.locator('.app-cols').first().locator(':scope > .app-col').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
        assert.equal(colTops.length, 2, 'two columns');
        assert.equal(new Set(colTops).size === 1 ? 2 : 1, cols, `column tops ${colTops}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
        const img = page.locator('[data-deck] figure img').first();
        const box = await img.boundingBox();
        assert.ok(box && box.width > 0 && box.width <= width, `image box ${JSON.stringify(box)}`);
        assert.ok(await page.locator('[data-deck] figcaption').first().isVisible(), 'no visible caption');
        assertNoProblems(url(rich.deck), problems);
      } finally {
        await context.close();
      }
    });
  }
});

describe('axe on every deck view', { concurrency: 2 }, () => {
  for (const d of decks) {
    for (const view of ['', 'presenter/', 'handout/']) {
      const p = d + view;
      test(`${p}, JavaScript off and on, on a slide of each layout`, T, async () => {
        const failures = [];
        const ns = await openNoScriptRendering(browser, url(p));
        try {
          const v = await axeCheck(ns.page);
          if (v.length) failures.push(`JavaScript off: ${formatViolations(v, url(p))}`);
        } finally {
          await ns.context.close();
        }
        const { context, page, problems } = await openPage(browser, url(p), { contextOptions: { viewport: { width: 1280, height: 720 } } });
        try {
          // Each layout once, and the last slide: axe on all of them takes minutes.
          const layouts = await page.locator('[data-deck] section.slide').evaluateAll((els) =>
            els.map((e) => (/\bapp-slide--([a-z-]+)/.exec(e.className + ' ' + (e.querySelector('.app-frame')?.className ?? '')) || [])[1] ?? 'content'),
          );
          const targets = [...new Set([...layouts.map((l) => layouts.indexOf(l) + 1), layouts.length])];
          if (view === 'handout/') {
            const v = await axeCheck(page);
            if (v.length) failures.push(`JavaScript on: ${formatViolations(v, url(p))}`);
          }
          for (const n of view === 'handout/' ? [] : targets) {
            await page.evaluate((h) => { location.hash = h; }, `#slide-${n}`);
            await page.waitForFunction((id) => document.getElementById(id) && !document.getElementById(id).hidden, `slide-${n}`, { timeout: 3000 });
            const v = await axeCheck(page);
            if (v.length) failures.push(`JavaScript on, slide ${n} (${layouts[n - 1]}): ${formatViolations(v, url(p))}`);
          }
          problems.push(...(await cspViolations(page)));
          if (problems.length) failures.push(problems.join('\n'));
        } finally {
          await context.close();
        }
        assert.deepEqual(failures, []);
      });
    }
  }
});

/** Page count and the size of each page, from pdfinfo (poppler-utils). */
async function pdfPages(file) {
  const { stdout } = await run('pdfinfo', ['-f', '1', '-l', '9999', file]);
  const count = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1]);
  const sizes = [...stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  return { count, sizes };
}

describe('print to PDF', () => {
  for (const d of decks) {
    test(`${d} prints one 16:9 landscape page per slide; its handout prints on A4, at least a page per slide`, T, async () => {
      const dir = await artefactDir();
      const name = d.split('/').filter(Boolean).pop();
      const { context, page } = await openPage(browser, url(d));
      let slides;
      try {
        slides = await page.locator('[data-deck] section.slide').count();
        await page.keyboard.press('ArrowRight'); // printing mid-talk still prints every slide
        await page.emulateMedia({ media: 'print' });
        const file = path.join(dir, `${name}-slides.pdf`);
        await fs.writeFile(file, await page.pdf({ preferCSSPageSize: true, printBackground: false }));
        const { count, sizes } = await pdfPages(file);
        process.stderr.write(`${d}: ${file}: ${count} page(s) for ${slides} slides\n`);
        assert.equal(count, slides, `${file}: ${count} pages for ${slides} slides`);
        for (const [i, [w, h]] of sizes.entries()) {
          assert.ok(w > h && Math.abs(w / h - 16 / 9) < 0.01, `${file}: page ${i + 1} is ${w}x${h} pt, not 16:9 landscape`);
        }
        const text = (await run('pdftotext', ['-f', '1', '-l', '1', file, '-'])).stdout;
        assert.match(text, /Slide 1 of/, `${file}: the first page is not slide 1`);
      } finally {
        await context.close();
      }
      const h = await openPage(browser, url(d + 'handout/'));
      try {
        await h.page.emulateMedia({ media: 'print' });
        const file = path.join(dir, `${name}-handout.pdf`);
        await fs.writeFile(file, await h.page.pdf({ format: 'A4', preferCSSPageSize: true }));
        const { count, sizes } = await pdfPages(file);
        process.stderr.write(`${d}handout/: ${file}: ${count} A4 page(s) for ${slides} slides\n`);
        assert.ok(count >= slides && count <= slides + 2, `${file}: ${count} pages for ${slides} slides`);
        for (const [i, [w, hgt]] of sizes.entries()) {
          assert.ok(Math.abs(w - 595) < 2 && Math.abs(hgt - 842) < 2, `${file}: page ${i + 1} is ${w}x${hgt} pt, not A4 portrait`);
        }
      } finally {
        await h.context.close();
      }
    });
  }
});
