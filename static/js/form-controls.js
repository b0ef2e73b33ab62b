// Give Django's plain widgets Bootstrap's classes. The elements are named by the including tag:
// <script src="…/form-controls.js" data-controls="#my-form textarea, #my-form select"></script>
(function () {
  'use strict';
  var selector = document.currentScript && document.currentScript.dataset.controls;
  if (!selector) { return; }
  document.querySelectorAll(selector).forEach(function (el) {
    el.classList.add(el.tagName === 'SELECT' ? 'form-select' : 'form-control');
  });
})();
