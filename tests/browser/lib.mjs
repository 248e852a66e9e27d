// Helpers for the prem browser suite (node:test + playwright-core + axe).
//
// Environment:
//   PREM_BASE_URL    test an already running server (e.g. `prem serve`) at this
//                    base URL instead of building and serving the site here.
//   PREM_SITE_DIR    an already built site directory to serve (skips `cargo run
//                    -- build`). Ignored when PREM_BASE_URL is set.
//   PREM_EXTRA_PATHS extra paths to check on every page sweep, separated by
//                    spaces or commas (e.g. "/forms/ /forms/referral-child/").
//   PREM_CHROMIUM    the Chromium binary (default /usr/bin/chromium).
//   PREM_CONCURRENCY pages checked at once (default 2).
//
// Everything here is independent of what is being tested, so a later test file
// (the kiosk forms) can `import { getSite, launchBrowser, openPage, axeCheck }`.

import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { serveDir } from './server.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.PREM_CHROMIUM || '/usr/bin/chromium';
/**
 * How the suite runs prem: the debug build `cargo test` already made, unless
 * PREM_CARGO_PROFILE=release asks for an optimised one.
 */
export const CARGO_RUN = process.env.PREM_CARGO_PROFILE === 'release' ? ['run', '--release', '-q'] : ['run', '-q'];
export const CONCURRENCY = Math.max(1, Number(process.env.PREM_CONCURRENCY || 2));

/** WCAG 2.2 AA, as the issue asks. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The flags this machine needs (closed network, root, no GPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless Chromium for the whole file; never downloads a browser. */
export async function launchBrowser() {
  try {
    await fs.access(CHROMIUM);
  } catch {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set PREM_CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** `cargo run -q -- build --out <tmpdir>` (see CARGO_RUN); returns the directory. */
export async function buildSite(outDir) {
  const out = outDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'prem-site-')));
  const args = [...CARGO_RUN, '--', 'build', '--out', out];
  const started = Date.now();
  const { code, out: log } = await run('cargo', args, { cwd: REPO_ROOT, env: process.env });
  if (code !== 0) {
    throw new Error(`cargo ${args.join(' ')} failed (exit ${code}):\n${log}`);
  }
  process.stderr.write(`built site into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return out;
}

/**
 * The site under test: { baseURL, siteDir (null for PREM_BASE_URL), server, close() }.
 * Builds and serves it unless PREM_BASE_URL / PREM_SITE_DIR say otherwise.
 */
export async function getSite() {
  if (process.env.PREM_BASE_URL) {
    return { baseURL: process.env.PREM_BASE_URL.replace(/\/+$/, ''), siteDir: null, server: null, close: async () => {} };
  }
  let siteDir = process.env.PREM_SITE_DIR;
  let built = false;
  if (!siteDir) {
    siteDir = await buildSite();
    built = true;
  }
  const server = await serveDir(siteDir);
  return {
    baseURL: server.baseURL,
    siteDir,
    server,
    close: async () => {
      await server.close();
      if (built && !process.env.PREM_KEEP_SITE) await fs.rm(siteDir, { recursive: true, force: true });
    },
  };
}

async function fetchText(url) {
  const res = await fetch(url, { redirect: 'follow' });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** Paths (with query) of every <loc> in /sitemap.xml, mapped onto our server. */
export async function sitemapPaths(baseURL) {
  const xml = await fetchText(`${baseURL}/sitemap.xml`);
  const locs = [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  if (locs.length === 0) throw new Error(`${baseURL}/sitemap.xml has no <loc>`);
  return locs.map((loc) => {
    const u = new URL(loc, baseURL);
    return u.pathname + u.search;
  });
}

/** Every generated HTML file in a built site, as URL paths (pretty URLs for index.html). */
export async function htmlFilePaths(siteDir) {
  const out = [];
  async function walk(dir) {
    for (const ent of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.name.endsWith('.html')) {
        const rel = '/' + path.relative(siteDir, p).split(path.sep).join('/');
        out.push(rel.endsWith('/index.html') || rel === '/index.html' ? rel.slice(0, -'index.html'.length) : rel);
      }
    }
  }
  await walk(siteDir);
  return out.sort();
}

/** Internal links (paths) found in the HTML at `url`. */
export async function linkedPaths(baseURL, pagePath) {
  const html = await fetchText(baseURL + pagePath);
  const base = new URL(pagePath, baseURL);
  const paths = new Set();
  for (const m of html.matchAll(/\shref="([^"#]*)(#[^"]*)?"/g)) {
    if (!m[1]) continue;
    const u = new URL(m[1].replace(/&amp;/g, '&'), base);
    if (u.origin === new URL(baseURL).origin) paths.add(u.pathname + u.search);
  }
  return [...paths];
}

export function extraPathsFromEnv() {
  return (process.env.PREM_EXTRA_PATHS || '').split(/[\s,]+/).filter(Boolean);
}

export const DECK_RE = /^\/roadshow\/[^/]+\/$/;

/**
 * Every page to check: sitemap <loc>s, every HTML file of the built site (when
 * we have it), decks found in the sitemap or on /roadshow/ with their presenter
 * and handout views, and `extra` paths. Sorted and de-duplicated.
 */
export async function discoverPages(site, { extra = [] } = {}) {
  const set = new Set(await sitemapPaths(site.baseURL));
  if (site.siteDir) for (const p of await htmlFilePaths(site.siteDir)) set.add(p);
  try {
    for (const p of await linkedPaths(site.baseURL, '/roadshow/')) if (DECK_RE.test(p)) set.add(p);
  } catch {
    // no deck index: the deck test reports it
  }
  for (const p of [...set]) {
    if (DECK_RE.test(p)) {
      set.add(p + 'presenter/');
      set.add(p + 'handout/');
    }
  }
  for (const p of [...extra, ...extraPathsFromEnv()]) set.add(p);
  return [...set].sort();
}

/** Deck paths (/roadshow/<deck>/) among `pages`. */
export function deckPaths(pages) {
  return pages.filter((p) => DECK_RE.test(p));
}

/**
 * Opens `url` in a fresh context and records every problem a user would not
 * see but should not happen: console errors (CSP violations are console errors
 * in Chromium), uncaught exceptions, failed requests and HTTP errors of
 * sub-resources, and `securitypolicyviolation` events.
 * Returns { context, page, response, problems }; close the context when done.
 */
export async function openPage(browser, url, { javaScriptEnabled = true, expectStatus = 200, contextOptions = {} } = {}) {
  const context = await browser.newContext({ javaScriptEnabled, ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  // Chromium fetches /favicon.ico by itself when a page declares no icon, but
  // only for some pages of a run (it remembers failures), so that request is
  // left out here and checked deterministically by faviconProblem().
  const isFavicon = (u) => u && new URL(u).pathname === '/favicon.ico';
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    if (isFavicon(loc?.url)) return;
    // The expected status of the page itself (e.g. 404) is not a problem.
    if (loc?.url === url && expectStatus !== null && msg.text().includes(`status of ${expectStatus}`)) return;
    problems.push(`console error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) => {
    // net::ERR_ABORTED is a request cancelled by a navigation (a test's goto
    // or reload while, say, the icon was loading), not a failure of the site.
    const why = req.failure()?.errorText ?? '';
    if (!isFavicon(req.url()) && !why.includes('ERR_ABORTED')) problems.push(`request failed: ${req.url()} (${why})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.url() !== url && !isFavicon(res.url())) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  if (javaScriptEnabled) {
    // Injected over CDP, so not itself subject to the page's CSP.
    await page.addInitScript(() => {
      window.__premCsp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__premCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || ''}:${e.lineNumber}`);
      });
    });
  }
  const response = await page.goto(url, { waitUntil: 'load' });
  if (expectStatus !== null && response && response.status() !== expectStatus) {
    problems.push(`HTTP ${response.status()} for the page itself (expected ${expectStatus})`);
  }
  return { context, page, response, problems };
}

/**
 * The page as it renders without JavaScript, in a context where axe can still
 * run. (axe cannot run in a context made with javaScriptEnabled: false: its
 * timers never fire and analyze() hangs.) Every script the page loads is
 * answered with an empty script, and each <noscript> is replaced by its
 * content, as a browser with scripting off would parse it. The site has no
 * inline script (the CSP forbids it), so this is the no-JS rendering.
 * Returns { context, page }; close the context when done.
 */
export async function openNoScriptRendering(browser, url, { contextOptions = {} } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: true, ...contextOptions });
  await context.route('**/*', (route) =>
    route.request().resourceType() === 'script'
      ? route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: '' })
      : route.continue(),
  );
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => {
    for (const ns of [...document.querySelectorAll('noscript')]) {
      const t = document.createElement('template');
      t.innerHTML = ns.textContent;
      ns.replaceWith(t.content);
    }
  });
  return { context, page };
}

const faviconStatus = new Map();

/**
 * A page with no <link rel="icon"> makes browsers request /favicon.ico; if
 * that is not there, every such page logs a console error. Returns a problem
 * string, or null.
 */
export async function faviconProblem(page) {
  const declared = await page.locator('link[rel~="icon" i]').count();
  if (declared > 0) return null;
  const origin = new URL(page.url()).origin;
  if (!faviconStatus.has(origin)) {
    faviconStatus.set(origin, fetch(`${origin}/favicon.ico`).then((r) => r.status, (e) => `error ${e.message}`));
  }
  const status = await faviconStatus.get(origin);
  return status === 200
    ? null
    : `no <link rel="icon"> and /favicon.ico answers HTTP ${status}: browsers request it and log a console error (ship a favicon or declare one, e.g. <link rel="icon" href="data:,">)`;
}

/** CSP violations seen by the init script (JS-enabled pages only). */
export async function cspViolations(page) {
  try {
    return (await page.evaluate(() => window.__premCsp || [])).map((v) => `CSP violation: ${v}`);
  } catch {
    return [];
  }
}

/** Runs axe with the WCAG 2.2 AA tags; returns the violations array. */
export async function axeCheck(page, { tags = AXE_TAGS, exclude = [] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(tags);
  for (const sel of exclude) builder = builder.exclude(sel);
  const results = await builder.analyze();
  return results.violations;
}

/** A readable report of axe violations, one block per rule, with targets. */
export function formatViolations(violations, url) {
  const lines = [`${violations.length} axe violation(s) on ${url}:`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node(s)) ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`      target: ${n.target.join(' ')}`);
      const summary = (n.failureSummary || '').split('\n').slice(1, 3).join(' ').trim();
      if (summary) lines.push(`        ${summary.slice(0, 300)}`);
      lines.push(`        html: ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
    }
    if (v.nodes.length > 10) lines.push(`      ... and ${v.nodes.length - 10} more`);
  }
  return lines.join('\n');
}

/** Whether an element's box intersects the viewport (i.e. is on screen now). */
export async function inViewport(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
  });
}

/** Number of pages in a PDF made by Chromium (counts /Type /Page objects). */
export function pdfPageCount(buf) {
  const text = buf.toString('latin1');
  const m = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g);
  return m ? m.length : 0;
}

/**
 * The text of each page of a PDF, from poppler's pdftotext (a form feed ends each page), so a
 * test can check what is printed on every sheet, not only the first and last.
 */
export async function pdfPageTexts(buf) {
  const dir = await artefactDir();
  const file = path.join(dir, `print-${process.hrtime.bigint()}.pdf`);
  await fs.writeFile(file, buf);
  const { execFile } = await import('node:child_process');
  const text = await new Promise((resolve, reject) => {
    execFile('pdftotext', ['-layout', file, '-'], { maxBuffer: 64 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
  const pages = text.split('\f');
  if (pages.at(-1).trim() === '') pages.pop();
  return pages;
}

/** A temp directory for artefacts (PDFs, screenshots) of this run. */
export async function artefactDir() {
  const dir = process.env.PREM_ARTEFACT_DIR || path.join(os.tmpdir(), `prem-browser-${process.pid}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Fills every empty field of a kiosk form page with obviously synthetic
 * answers (the last radio of each group, the first checkbox and option).
 */
export async function fillPage(page) {
  const inputs = page.locator('input.govuk-input');
  for (let i = 0; i < (await inputs.count()); i++) {
    const input = inputs.nth(i);
    if ((await input.inputValue()) !== '') continue;
    const name = (await input.getAttribute('name')) || '';
    const type = (await input.getAttribute('type')) || 'text';
    const mode = (await input.getAttribute('inputmode')) || '';
    // Blank "add another" slots stay blank; filling them would add an item.
    if (/-\d+$/.test(name) && !name.endsWith('-1')) continue;
    let value = 'Testy';
    // Dates: the example in the question's own hint ("For example, 27 3 2012").
    const part = name.match(/^(.*)-(day|month|year)$/);
    if (part) {
      const hintEl = page.locator(`[id="${part[1]}-hint"]`);
      const hint = (await hintEl.count()) ? (await hintEl.textContent()) || '' : '';
      const [, d, m, y] = hint.match(/(\d{1,2}) (\d{1,2}) (\d{4})/) || [null, '1', '2', '2024'];
      value = { day: d, month: m, year: y }[part[2]];
    } else if (type === 'email') value = 'testy.mctestface@example.com';
    else if (type === 'tel') value = '01632 960001';
    else if (mode === 'numeric') value = '2';
    else if (name.includes('postcode')) value = 'NE1 4ST';
    await input.fill(value);
  }
  const areas = page.locator('textarea.govuk-textarea');
  for (let i = 0; i < (await areas.count()); i++) {
    const area = areas.nth(i);
    const name = (await area.getAttribute('name')) || '';
    if (/-\d+$/.test(name) && !name.endsWith('-1')) continue;
    if ((await area.inputValue()) === '') await area.fill('Testy McTestface, a synthetic person.');
  }
  // For each radio group, the last option (it leads to any follow-up page).
  const radioNames = await page.locator('input.govuk-radios__input').evaluateAll((els) => [...new Set(els.map((e) => e.name))]);
  for (const name of radioNames) {
    const group = page.locator(`input.govuk-radios__input[name="${name}"]`);
    if ((await group.evaluateAll((els) => els.some((e) => e.checked))) === false) await group.last().check();
  }
  const boxNames = await page.locator('input.govuk-checkboxes__input').evaluateAll((els) => [...new Set(els.map((e) => e.name))]);
  for (const name of boxNames) {
    if (name === 'remove') continue;
    const group = page.locator(`input.govuk-checkboxes__input[name="${name}"]`);
    if ((await group.evaluateAll((els) => els.some((e) => e.checked))) === false) await group.first().check();
  }
  const selects = page.locator('select.govuk-select');
  for (let i = 0; i < (await selects.count()); i++) {
    const options = await selects.nth(i).locator('option').evaluateAll((els) => els.map((e) => e.value).filter(Boolean));
    if (options.length) await selects.nth(i).selectOption(options[0]);
  }
}

/** The button that moves a kiosk form page on. */
export async function continueButton(page) {
  const named = page.locator('button[name="action"][value="continue"]');
  if (await named.count()) return named;
  return page.locator('main form button[type="submit"]').last();
}
