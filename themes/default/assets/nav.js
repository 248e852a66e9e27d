/* GOV.UK service navigation on a narrow screen: show the Menu button and fold
   the list of links away until it is pressed. Without JavaScript the button
   stays hidden and every link is shown. */
(function () {
  'use strict';
  var toggle = document.querySelector('.govuk-js-service-navigation-toggle');
  var list = toggle && document.getElementById(toggle.getAttribute('aria-controls'));
  if (!list || !window.matchMedia) { return; }
  var wide = window.matchMedia('(min-width: 40.0625em)');
  var open = false;

  function sync() {
    if (wide.matches) {
      toggle.hidden = true;
      toggle.removeAttribute('aria-expanded');
      list.hidden = false;
    } else {
      toggle.hidden = false;
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      list.hidden = !open;
    }
  }

  toggle.addEventListener('click', function () { open = !open; sync(); });
  if (wide.addEventListener) { wide.addEventListener('change', sync); } else { wide.addListener(sync); }
  sync();
})();
