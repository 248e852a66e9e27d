// A tiny static file server for the browser suite: serves a built prem site
// (the output of `prem build`) the way a plain static host would, plus the
// security headers the real server (`prem preview` / `prem serve`) sends, so
// that anything the strict CSP blocks shows up as a console error in Chromium.
//
// Pretty URLs: /x/ -> /x/index.html, /x -> 301 /x/ when x/index.html exists.
// Unknown paths get /404.html with status 404. Query strings are ignored (a
// static host cannot answer /search/?q=; the page must cope without it).
//
// Usage as a module: `const srv = await serveDir(dir); ... await srv.close();`
// Usage from the shell: `node tests/browser/server.mjs public [port]`.

import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CSP the real server sends on every response. Keep in step with src/. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function isFile(p) {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves `root` on 127.0.0.1 (a free port unless `port` is given).
 * Resolves to { baseURL, port, close(), requests } where `requests` records
 * every request as { method, path, status } (handy to spot 404s).
 */
export async function serveDir(root, { port = 0, host = '127.0.0.1', headers = SECURITY_HEADERS } = {}) {
  const rootAbs = path.resolve(root);
  const requests = [];

  const server = http.createServer(async (req, res) => {
    const send = (status, body, extra = {}) => {
      res.writeHead(status, { ...headers, ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
      requests.push({ method: req.method, path: req.url, status });
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'method not allowed\n', { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      }
      const url = new URL(req.url, 'http://localhost');
      let rel;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        return send(400, 'bad request\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      }
      if (rel.includes('\0')) return send(400, 'bad request\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      const file = path.join(rootAbs, rel);
      if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) {
        return send(403, 'forbidden\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      }

      let target = null;
      if (rel.endsWith('/')) {
        if (await isFile(path.join(file, 'index.html'))) target = path.join(file, 'index.html');
      } else if (await isFile(file)) {
        target = file;
      } else if (await isFile(path.join(file, 'index.html'))) {
        return send(301, '', { Location: url.pathname + '/' + url.search });
      }

      if (target) {
        const body = await fs.readFile(target);
        return send(200, body, { 'Content-Type': contentType(target), 'Cache-Control': 'no-cache' });
      }
      const notFound = path.join(rootAbs, '404.html');
      if (await isFile(notFound)) {
        return send(404, await fs.readFile(notFound), { 'Content-Type': 'text/html; charset=utf-8' });
      }
      return send(404, 'not found\n', { 'Content-Type': 'text/plain; charset=utf-8' });
    } catch (err) {
      return send(500, `server error: ${err.message}\n`, { 'Content-Type': 'text/plain; charset=utf-8' });
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  return {
    baseURL: `http://${host}:${actualPort}`,
    port: actualPort,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = 'public', port = '8000'] = process.argv.slice(2);
  const srv = await serveDir(dir, { port: Number(port) });
  console.log(`serving ${dir} on ${srv.baseURL}`);
}
