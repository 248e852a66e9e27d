/* Site search in the browser: reads /search-index.json (on a large site, the
   parts it lists) and shows results as the reader types. The same scoring
   and snippets run on the server (src/search.rs) for readers without
   JavaScript; keep the two in step. */
(function () {
  'use strict';
  var input = document.getElementById('search-q');
  var out = document.getElementById('search-results');
  if (!input || !out || !window.fetch) { return; }
  var index = null;
  var BEFORE = 70, AFTER = 130;

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);
  }

  /* Title 10, headings 5, summary 2, body 1; every word must be found. */
  function score(entry, ws) {
    var t = entry.t.toLowerCase(), h = entry.h.toLowerCase(),
      s = entry.s.toLowerCase(), b = (entry.b || '').toLowerCase();
    var total = 0;
    for (var i = 0; i < ws.length; i++) {
      var w = ws[i];
      if (t.indexOf(w) >= 0) { total += 10; }
      else if (h.indexOf(w) >= 0) { total += 5; }
      else if (s.indexOf(w) >= 0) { total += 2; }
      else if (b.indexOf(w) >= 0) { total += 1; }
      else { return 0; }
    }
    return total;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  /* Appends `text` to `into`, with every query word wrapped in <mark>. */
  function marked(into, text, ws) {
    var lower = text.toLowerCase(), pos = 0;
    while (pos < text.length) {
      var at = -1, len = 0;
      for (var i = 0; i < ws.length; i++) {
        var j = lower.indexOf(ws[i], pos);
        if (j >= 0 && (at < 0 || j < at || (j === at && ws[i].length > len))) { at = j; len = ws[i].length; }
      }
      if (at < 0) { break; }
      if (at > pos) { into.appendChild(document.createTextNode(text.slice(pos, at))); }
      into.appendChild(el('mark', null, text.slice(at, at + len)));
      pos = at + len;
    }
    if (pos < text.length) { into.appendChild(document.createTextNode(text.slice(pos))); }
  }

  /* The body around the first match when no word is in the summary, else the summary. */
  function snippet(entry, ws) {
    var p = el('p', 'govuk-body app-link-list__summary app-search__snippet');
    var s = entry.s, b = entry.b || '', ls = s.toLowerCase(), lb = b.toLowerCase();
    var inSummary = ws.some(function (w) { return ls.indexOf(w) >= 0; });
    var first = -1;
    ws.forEach(function (w) { var i = lb.indexOf(w); if (i >= 0 && (first < 0 || i < first)) { first = i; } });
    if (first < 0 || (inSummary && s)) {
      if (!s) { return null; }
      marked(p, s, ws);
      return p;
    }
    var from = Math.max(0, first - BEFORE), to = Math.min(b.length, first + AFTER);
    if (from > 0) { var sp = b.slice(from, first).indexOf(' '); if (sp >= 0) { from += sp + 1; } }
    if (to < b.length) { var rp = b.slice(first, to).lastIndexOf(' '); if (rp >= 0) { to = first + rp; } }
    if (from > 0) { p.appendChild(document.createTextNode('\u2026')); }
    marked(p, b.slice(from, to), ws);
    if (to < b.length) { p.appendChild(document.createTextNode('\u2026')); }
    return p;
  }

  function show(query) {
    var ws = words(query);
    out.textContent = '';
    if (!ws.length || !index) { return; }
    var hits = index.map(function (e) { return { e: e, s: score(e, ws) }; })
      .filter(function (x) { return x.s > 0; })
      .sort(function (a, b) { return b.s - a.s || (a.e.t < b.e.t ? -1 : 1); })
      .slice(0, 50);
    out.appendChild(el('h2', 'govuk-heading-m', hits.length + (hits.length === 1 ? ' result' : ' results') + ' for \u201c' + query + '\u201d'));
    if (!hits.length) {
      out.appendChild(el('p', 'govuk-body', 'No pages match. Try fewer or different words, or browse the A to Z list below.'));
      return;
    }
    var ul = el('ul', 'govuk-list app-link-list');
    hits.forEach(function (x) {
      var li = el('li');
      var a = el('a', 'govuk-link govuk-link--no-visited-state govuk-!-font-weight-bold', x.e.t);
      a.href = x.e.u;
      li.appendChild(a);
      var p = snippet(x.e, ws);
      if (p) { li.appendChild(p); }
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }

  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value.trim()); }, 150);
  });

  function json(r) {
    if (!r.ok) { throw new Error('search index: HTTP ' + r.status); }
    return r.json();
  }

  /* By title, then address, as the server's index is (ties keep this order). */
  function byTitle(a, b) {
    var x = a.t.toLowerCase(), y = b.t.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.u < b.u ? -1 : a.u > b.u ? 1 : 0;
  }

  /* The index, or on a large site a list of its parts, fetched together. */
  function load() {
    return fetch('/search-index.json').then(json).then(function (data) {
      if (Array.isArray(data)) { return data; }
      return Promise.all(data.parts.map(function (u) { return fetch(u).then(json); }))
        .then(function (parts) { return [].concat.apply([], parts).sort(byTitle); });
    });
  }

  load().then(function (data) {
    index = data;
    var q = new URLSearchParams(window.location.search).get('q');
    if (q && !out.children.length) { input.value = q; show(q.trim()); }
  }).catch(function () { /* the server-side search and the A to Z list still work */ });
})();
