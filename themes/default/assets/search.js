/* Site search in the browser: reads /search-index.json and shows results as
   the reader types. The same scoring runs on the server (src/search.rs) for
   readers without JavaScript. */
(function () {
  'use strict';
  var input = document.getElementById('search-q');
  var out = document.getElementById('search-results');
  if (!input || !out || !window.fetch) { return; }
  var index = null;

  function score(entry, words) {
    var t = entry.t.toLowerCase(), h = entry.h.toLowerCase(), s = entry.s.toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      if (t.indexOf(w) >= 0) { total += 10; }
      else if (h.indexOf(w) >= 0) { total += 3; }
      else if (s.indexOf(w) >= 0) { total += 1; }
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

  function show(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 10);
    out.textContent = '';
    if (!words.length || !index) { return; }
    var hits = index.map(function (e) { return { e: e, s: score(e, words) }; })
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
      if (x.e.s) { li.appendChild(el('p', 'govuk-body app-link-list__summary', x.e.s)); }
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }

  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value.trim()); }, 150);
  });

  fetch('/search-index.json').then(function (r) { return r.json(); }).then(function (data) {
    index = data;
    var q = new URLSearchParams(window.location.search).get('q');
    if (q && !out.children.length) { input.value = q; show(q.trim()); }
  }).catch(function () { /* the server-side search and the A to Z list still work */ });
})();
