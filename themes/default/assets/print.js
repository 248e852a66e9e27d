/* "Print your copy" on the confirmation page: the button is hidden until this
   script shows it, because without JavaScript it could do nothing (the page
   then says how to print with the browser's own menu). */
(function () {
  'use strict';
  var buttons = document.querySelectorAll('[data-print]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener('click', function () { window.print(); });
  }
}());
