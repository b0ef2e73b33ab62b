// Leaving a page with unsaved changes warns: every form marked data-warn-unsaved is watched;
// submitting it (saving, submitting, uploading) is not "leaving".
(function () {
  var dirty = false;
  document.querySelectorAll('form[data-warn-unsaved]').forEach(function (form) {
    form.addEventListener('input', function () { dirty = true; });
    form.addEventListener('change', function () { dirty = true; });
    form.addEventListener('submit', function () { dirty = false; });
  });
  // Buttons outside the form that submit it (form="…"), e.g. the evidence upload and remove.
  document.querySelectorAll('button[form]').forEach(function (button) {
    button.addEventListener('click', function () { dirty = false; });
  });
  window.addEventListener('beforeunload', function (event) {
    if (!dirty) { return undefined; }
    event.preventDefault();
    event.returnValue = '';
    return '';
  });
})();
