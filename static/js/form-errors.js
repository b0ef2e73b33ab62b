// Form errors reach screen readers (every page, base.html).
// Django renders a field with errors as aria-invalid="true" aria-describedby="<id>_error" (and
// "<id>_helptext" for its help): templates/includes/form_field.html gives those ids to its error and
// help blocks; here the forms written by hand get the same, once for every page: the error or help
// block beside a control takes the id the control points to, a loose error block is tied to its
// control (or to the group of radios or checkboxes it belongs to). Then the errors are read out:
// written, once the page has loaded, into the page's assertive live region (#form-error-summary).
(function () {
  'use strict';
  var summary = document.getElementById('form-error-summary');
  if (!summary) { return; }
  var ERRORS = '.invalid-feedback';
  var counter = 0;
  function text(el) { return (el.textContent || '').replace(/\s+/g, ' ').trim(); }
  function ids(el) { return (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean); }
  function describe(el, id) {
    var list = ids(el);
    if (list.indexOf(id) === -1) { list.push(id); el.setAttribute('aria-describedby', list.join(' ')); }
  }
  // The nearest block matching `selector`, without an id yet, around the control (its cell, its
  // column, its form group): never where another field begins.
  var FIELDS = 'input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea';
  function nearest(control, selector) {
    var form = control.form || control.closest('form');
    for (var box = control.parentElement; box && box !== document.body; box = box.parentElement) {
      if (box.querySelectorAll(FIELDS).length > 1) { break; }
      var found = Array.prototype.filter.call(box.querySelectorAll(selector), function (el) { return !el.id; });
      if (found.length) { return found[0]; }
      if (box === form) { break; }
    }
    return null;
  }

  // 1. Ids a control points to that no element has yet.
  document.querySelectorAll('[aria-describedby]').forEach(function (control) {
    ids(control).forEach(function (id) {
      if (document.getElementById(id)) { return; }
      var block = /_error$/.test(id) ? nearest(control, ERRORS) : /_helptext$/.test(id) ? nearest(control, '.form-text') : null;
      if (block) { block.id = id; }
    });
  });

  // 2. Error blocks still loose: tied to their group of choices, or to the control beside them.
  function controlFor(feedback) {
    if (feedback.id) {
      var tied = document.querySelector('[aria-describedby~="' + feedback.id + '"]');
      if (tied) { return tied; }
    }
    var box = feedback.parentElement;
    if (!box) { return null; }
    if (!feedback.id) { feedback.id = 'form-error-' + (++counter); }
    var choices = box.querySelectorAll('input[type=radio], input[type=checkbox]');
    if (choices.length > 1) {
      var group = feedback.closest('fieldset, [role=group]') || box;
      if (!group.matches('fieldset, [role=group]')) { group.setAttribute('role', 'group'); }
      describe(group, feedback.id);
      choices.forEach(function (choice) { choice.setAttribute('aria-invalid', 'true'); });
      return group;
    }
    var control = box.querySelector('input:not([type=hidden]), select, textarea');
    if (!control) { return null; }
    describe(control, feedback.id);
    control.setAttribute('aria-invalid', 'true');
    return control;
  }
  function labelOf(control) {
    if (!control) { return ''; }
    var label = control.id && document.querySelector('label[for="' + control.id + '"]');
    if (label) { return text(label).replace(/\s*\*$/, ''); }
    var legend = control.querySelector && control.querySelector('legend, .form-label');
    if (control.matches('fieldset, [role=group]') && legend) { return text(legend).replace(/\s*\*$/, ''); }
    return control.getAttribute('aria-label') || '';
  }

  // 3. Read the errors out.
  var messages = [];
  document.querySelectorAll('form .alert-danger').forEach(function (alert) { messages.push(text(alert)); });
  document.querySelectorAll('.invalid-feedback.d-block, .is-invalid ~ .invalid-feedback, form fieldset div.text-danger.small').forEach(function (feedback) {
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
