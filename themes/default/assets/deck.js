/* Roadshow decks: shows one slide at a time, moves with the arrow keys,
   space, Home and End, and keeps the slide number in the URL (#slide-3).
   Without this script every slide reads as one scrolling page. */
(function () {
  'use strict';
  var deck = document.querySelector('[data-deck]');
  if (!deck) { return; }
  var slides = Array.prototype.slice.call(deck.querySelectorAll('section.slide'));
  if (!slides.length) { return; }
  var controls = document.querySelector('.app-deck__controls');
  var current = 0;

  function fromHash() {
    var m = /^#slide-(\d+)$/.exec(window.location.hash);
    var n = m ? parseInt(m[1], 10) - 1 : 0;
    return Math.min(Math.max(n, 0), slides.length - 1);
  }

  function go(n, focus, keepUrl) {
    current = Math.min(Math.max(n, 0), slides.length - 1);
    slides.forEach(function (s, i) {
      s.hidden = i !== current;
      s.classList.toggle('app-slide--current', i === current);
    });
    var hash = '#slide-' + (current + 1);
    // On first load the URL is left alone: writing a fragment then would make
    // the browser move focus to the slide and skip past the skip link.
    if (!keepUrl && window.location.hash !== hash) { history.replaceState(null, '', hash); }
    if (focus) { slides[current].focus({ preventScroll: true }); }
  }

  document.documentElement.classList.add('app-deck-js');
  slides.forEach(function (s) { s.setAttribute('tabindex', '-1'); });
  if (controls) {
    controls.hidden = false;
    controls.querySelector('[data-deck-prev]').addEventListener('click', function () { go(current - 1, false); });
    controls.querySelector('[data-deck-next]').addEventListener('click', function () { go(current + 1, false); });
  }
  document.addEventListener('keydown', function (e) {
    var tag = (e.target && e.target.tagName) || '';
    if (e.altKey || e.ctrlKey || e.metaKey || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(tag)) { return; }
    var next = null;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ') { next = current + 1; }
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') { next = current - 1; }
    else if (e.key === 'Home') { next = 0; }
    else if (e.key === 'End') { next = slides.length - 1; }
    if (next === null) { return; }
    e.preventDefault();
    go(next, true);
  });
  window.addEventListener('hashchange', function () {
    // Other fragments (the skip link's #main-content) are not slide moves.
    if (/^#slide-\d+$/.test(window.location.hash)) { go(fromHash(), false); }
  });
  go(fromHash(), false, true);
})();
