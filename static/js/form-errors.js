// Form errors reach screen readers (every page, base.html). The templates tie each field's errors to
// it (aria-invalid, aria-describedby="<id>_error", as Django renders its widgets); this ties any error
// message a template left loose to the control beside it, and reads the errors out once the page has
// loaded: they are written into the page's assertive live region (#form-error-summary).
(function () {
  'use strict';
  var summary = document.getElementById('form-error-summary');
  if (!summary) { return; }
  var counter = 0;
  function text(el) { return (el.textContent || '').replace(/\s+/g, ' ').trim(); }
  function labelOf(control) {
    if (!control) { return ''; }
    var label = control.id && document.querySelector('label[for="' + control.id + '"]');
    if (label) { return text(label).replace(/\s*\*$/, ''); }
    var group = control.closest('fieldset, [role=group]');
    var legend = group && group.querySelector('legend, .form-label');
    return legend ? text(legend) : (control.getAttribute('aria-label') || '');
  }
  function controlFor(feedback) {
    if (feedback.id) {
      var tied = document.querySelector('[aria-describedby~="' + feedback.id + '"]');
      if (tied) { return tied; }
    }
    var box = feedback.parentElement;
    var control = box && box.querySelector('input:not([type=hidden]), select, textarea');
    if (!control) { return null; }
    if (!feedback.id) { feedback.id = 'form-error-' + (++counter); }
    var described = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (described.indexOf(feedback.id) === -1) {
      described.push(feedback.id);
      control.setAttribute('aria-describedby', described.join(' '));
    }
    control.setAttribute('aria-invalid', 'true');
    return control;
  }
  var messages = [];
  document.querySelectorAll('form .alert-danger').forEach(function (alert) { messages.push(text(alert)); });
  document.querySelectorAll('.invalid-feedback.d-block, .is-invalid ~ .invalid-feedback').forEach(function (feedback) {
    if (!text(feedback)) { return; }
    var label = labelOf(controlFor(feedback));
    messages.push((label ? label + ': ' : '') + text(feedback));
  });
  if (!messages.length) { return; }
  // Changed after the page has loaded, so that screen readers announce it.
  setTimeout(function () {
    summary.textContent = summary.getAttribute('data-intro') + ' ' + messages.join('; ');
  }, 250);
})();
