/* Roadshow decks. Without this script every slide reads as one scrolling page.
   With it, the slides page becomes a full-window 16:9 stage (one slide at a
   time, sized to any screen by deck.css) and the presenter view becomes a
   console with notes, the next slide, a timer and the clock. Both move with
   the arrow keys, Page Up/Down (what clickers send), space, Home and End;
   F toggles full screen. The slide number is in the URL (#slide-3).

   The presenter view opens the audience window and keeps it in step over a
   BroadcastChannel: same origin, no server, so it works from any static host.
   Only windows opened by the presenter view follow it, so a deck open in
   another tab is never moved from under someone.

   No role=application: screen readers keep their own keys. A polite live
   region says which slide is showing after each move. */
(function () {
  'use strict';
  var deck = document.querySelector('[data-deck]');
  if (!deck) { return; }
  var slides = Array.prototype.slice.call(deck.querySelectorAll('section.slide'));
  if (!slides.length) { return; }
  var presenter = deck.getAttribute('data-deck') === 'presenter';
  var deckUrl = deck.getAttribute('data-deck-url') || window.location.pathname;
  var root = document.documentElement;
  var statusBox = document.querySelector('[data-deck-status]');
  var AUDIENCE = 'deck-audience';
  var current = 0;

  function fromHash() {
    var m = /^#slide-(\d+)$/.exec(window.location.hash);
    var n = m ? parseInt(m[1], 10) - 1 : 0;
    return clamp(n);
  }

  function clamp(n) { return Math.min(Math.max(n, 0), slides.length - 1); }

  function label(i) {
    var el = document.getElementById(slides[i].getAttribute('aria-labelledby'));
    return el ? el.textContent.replace(/\s+/g, ' ').trim() : 'Slide ' + (i + 1);
  }

  /* ---- keeping windows in step ---- */
  var channel = null;
  if ((presenter || window.name === AUDIENCE) && 'BroadcastChannel' in window) {
    channel = new BroadcastChannel('deck:' + deckUrl);
    channel.onmessage = function (e) {
      var m = e.data || {};
      if (m.type === 'go' && typeof m.n === 'number') { go(m.n, { remote: true }); }
      else if (m.type === 'where') { send(); }
    };
  }
  function send() { if (channel) { channel.postMessage({ type: 'go', n: current }); } }

  /* ---- moving between slides ---- */
  function go(n, opts) {
    opts = opts || {};
    current = clamp(n);
    slides.forEach(function (s, i) {
      s.hidden = i !== current;
      s.classList.toggle('app-slide--current', i === current);
    });
    var hash = '#slide-' + (current + 1);
    // On first load the URL is left alone: writing a fragment then would make
    // the browser move focus to the slide and skip past the skip link.
    if (!opts.first && window.location.hash !== hash) { history.replaceState(null, '', hash); }
    if (!opts.first && statusBox) { statusBox.textContent = label(current); }
    if (presenter) { showPresenter(); } else { fit(slides[current]); }
    if (!presenter && (opts.key || opts.remote || opts.hash)) { stageToTop(); }
    if (!opts.remote && !opts.first) { send(); }
    if (presenter && opts.key && timer.never) { timer.toggle(); }
  }

  /* The stage is the first thing on the page; a move by key brings it back into view. */
  function stageToTop() {
    var top = deck.getBoundingClientRect().top;
    if (Math.abs(top) > 1) { window.scrollTo(0, window.scrollY + top); }
  }

  /* Shrinks a slide's text, in steps, until it fits its 16:9 box. */
  function fit(slide) {
    var body = slide.querySelector('.app-slide__body');
    if (!body) { return; }
    var scale = 1;
    slide.style.setProperty('--fit', '1');
    if (!root.classList.contains('app-projecting')) { return; }
    while (scale > 0.5 && (body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1)) {
      scale -= 0.05;
      slide.style.setProperty('--fit', scale.toFixed(2));
    }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else {
      var target = presenter ? root : deck;
      if (target.requestFullscreen) { target.requestFullscreen().catch(function () {}); }
    }
  }

  /* ---- the presenter console ---- */
  var bar = document.querySelector('[data-presenter-bar]');
  function q(sel) { return bar ? bar.querySelector(sel) : null; }
  var timer = { started: null, elapsed: 0, never: true };
  timer.ms = function () { return timer.elapsed + (timer.started ? Date.now() - timer.started : 0); };
  timer.toggle = function () {
    timer.never = false;
    if (timer.started) { timer.elapsed = timer.ms(); timer.started = null; }
    else { timer.started = Date.now(); }
    var b = q('[data-timer-toggle]');
    if (b) { b.textContent = timer.started ? 'Pause timer' : 'Start timer'; }
    tick();
  };
  timer.reset = function () {
    timer.elapsed = 0;
    if (timer.started) { timer.started = Date.now(); }
    tick();
  };

  function two(n) { return (n < 10 ? '0' : '') + n; }
  function tick() {
    var t = q('[data-timer]');
    if (t) {
      var s = Math.floor(timer.ms() / 1000);
      var h = Math.floor(s / 3600);
      t.textContent = (h ? h + ':' + two(Math.floor(s / 60) % 60) : Math.floor(s / 60)) + ':' + two(s % 60);
    }
    var c = q('[data-clock]');
    if (c) {
      var d = new Date();
      c.textContent = two(d.getHours()) + ':' + two(d.getMinutes());
    }
  }

  function showPresenter() {
    var pos = q('[data-deck-position]');
    if (pos) { pos.textContent = (current + 1) + ' of ' + slides.length; }
    var holder = slides[current].querySelector('[data-next-preview]');
    var next = slides[current + 1];
    if (holder && next && !holder.firstChild) {
      var frame = next.querySelector('.app-presenter__current .app-frame');
      if (frame) { holder.appendChild(preview(frame)); }
    }
  }

  /* A look at the next slide for the presenter's eyes only: the title above
     it already tells a screen reader what comes next, so the copy is hidden
     from assistive technology, has no ids and nothing to focus. */
  function preview(frame) {
    var copy = frame.cloneNode(true);
    copy.setAttribute('aria-hidden', 'true');
    copy.classList.add('app-frame--next');
    Array.prototype.forEach.call(copy.querySelectorAll('[id], [href], [tabindex]'), function (el) {
      el.removeAttribute('id');
      el.removeAttribute('href');
      el.removeAttribute('tabindex');
    });
    return copy;
  }

  function openAudience() {
    var w = window.open(deckUrl + '#slide-' + (current + 1), AUDIENCE);
    if (!w && statusBox) {
      statusBox.textContent = 'The browser blocked the audience window: allow pop-ups for this site and try again.';
    }
  }

  /* ---- start ---- */
  root.classList.add('app-deck-js');
  if (presenter) { root.classList.add('app-presenting'); }
  // A phone held upright would shrink a 16:9 stage to unreadable type: there
  // the slides stay one at a time in the page, at the site's own text size.
  var wide = window.matchMedia('(min-width: 40.0625em)');
  function projectIfWide() {
    if (presenter) { return; }
    root.classList.toggle('app-projecting', wide.matches);
    fit(slides[current]);
  }
  if (wide.addEventListener) { wide.addEventListener('change', projectIfWide); }
  projectIfWide();
  if (presenter && bar) {
    // The console straight under the title (and any overdue notice); the
    // links and review dates move below it, out of the presenter's way.
    var title = document.querySelector('.app-presenter__title');
    var overdue = document.querySelector('.app-review-overdue');
    var place = overdue || title;
    if (place && place.parentNode) {
      place.parentNode.insertBefore(deck, place.nextSibling);
      place.parentNode.insertBefore(bar, deck);
      Array.prototype.forEach.call(document.querySelectorAll('main .app-review, main .app-deck__views'), function (el) {
        el.parentNode.appendChild(el);
      });
    }
  }
  if (!presenter) {
    // The stage first, its buttons just below it; the rest of the page after.
    var main = document.querySelector('main');
    var controls = document.querySelector('.app-deck__controls');
    if (main) {
      main.insertBefore(deck, main.firstChild);
      if (controls) { main.insertBefore(controls, deck.nextSibling); }
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll('.app-deck__controls, [data-presenter-bar]'), function (c) {
    c.hidden = false;
  });
  function on(sel, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(sel), function (b) { b.addEventListener('click', fn); });
  }
  on('[data-deck-prev]', function () { go(current - 1); });
  on('[data-deck-next]', function () { go(current + 1); });
  on('[data-deck-fullscreen]', toggleFullscreen);
  on('[data-deck-audience]', openAudience);
  on('[data-timer-toggle]', function () { timer.toggle(); });
  on('[data-timer-reset]', function () { timer.reset(); });
  if (bar) { tick(); window.setInterval(tick, 1000); }

  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target;
    var tag = (t && t.tagName) || '';
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (t && t.isContentEditable)) { return; }
    // Space and Enter still press a focused button or follow a focused link.
    var pressable = /^(BUTTON|A|SUMMARY)$/.test(tag);
    var k = e.key;
    var next = null;
    if (k === 'ArrowRight' || k === 'PageDown' || (k === ' ' && !pressable && !e.shiftKey)) { next = current + 1; }
    else if (k === 'ArrowLeft' || k === 'PageUp' || (k === ' ' && !pressable && e.shiftKey)) { next = current - 1; }
    else if (k === 'Home') { next = 0; }
    else if (k === 'End') { next = slides.length - 1; }
    else if (k === 'f' || k === 'F') { e.preventDefault(); toggleFullscreen(); return; }
    if (next === null) { return; }
    e.preventDefault();
    go(next, { key: true });
  });
  window.addEventListener('hashchange', function () {
    // Other fragments (the skip link's #main-content) are not slide moves.
    if (/^#slide-\d+$/.test(window.location.hash)) { go(fromHash(), { hash: true }); }
  });
  window.addEventListener('resize', function () { if (!presenter) { fit(slides[current]); } });
  // An image that arrives late can push text out of the box: fit again.
  deck.addEventListener('load', function () { if (!presenter) { fit(slides[current]); } }, true);
  go(fromHash(), { first: true });
  // The browser scrolls to #slide-N itself; the stage (or the console's
  // buttons) belong at the top of the window instead.
  function toTop() { if (presenter) { window.scrollTo(0, 0); } else { stageToTop(); } }
  window.addEventListener('load', function () {
    // Chromium scrolls to the fragment after the load event; catch up after it.
    toTop();
    window.requestAnimationFrame(function () { window.setTimeout(toTop, 0); });
  });
  if (channel) { channel.postMessage({ type: 'where' }); }
})();
