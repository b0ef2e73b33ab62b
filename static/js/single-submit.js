// One click, one submission: disable a form's buttons once it is submitted. The forms and buttons
// are named by the including tag (data-forms, optional data-buttons).
(function () {
  'use strict';
  var script = document.currentScript;
  var forms = (script && script.dataset.forms) || 'form[method=post]';
  var buttons = (script && script.dataset.buttons) || 'button[type=submit], button:not([type])';
  document.querySelectorAll(forms).forEach(function (form) {
    form.addEventListener('submit', function () {
      setTimeout(function () { form.querySelectorAll(buttons).forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });
})();
