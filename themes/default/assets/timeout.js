/* Draft timeout warning (WCAG 2.2.1): a few minutes before unsent answers
   would be deleted, show a warning with a button that extends the draft.
   Without JavaScript the page still says when the draft expires. */
(function () {
  'use strict';
  var box = document.querySelector('[data-expires-at]');
  if (!box || !window.fetch) { return; }
  var warning = box.querySelector('.app-timeout-warning');
  var button = box.querySelector('[data-keep-alive]');
  var expiryText = box.querySelector('#draft-expiry strong');
  var expiresAt = parseInt(box.getAttribute('data-expires-at'), 10);
  var WARN_MS = 5 * 60 * 1000;

  function tick() {
    var left = expiresAt - Date.now();
    if (warning) { warning.hidden = !(left < WARN_MS && left > 0); }
  }

  if (button) {
    button.addEventListener('click', function () {
      fetch('/forms/keepalive', { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          expiresAt = data.expires_ms;
          if (expiryText) { expiryText.textContent = data.expires_at; }
          warning.hidden = true;
        })
        .catch(function () { /* the page still says when answers expire */ });
    });
  }
  setInterval(tick, 15000);
  tick();
})();
