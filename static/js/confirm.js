// A second step before irreversible actions. A submit button marked data-confirm="…" opens the
// confirmation dialog (#confirm-modal in base.html) instead of submitting; "Confirm" submits the
// form with that same button (its name and value are kept), "Cancel", Escape or the close button
// return focus to the button. The dialog is a Bootstrap modal: it keeps the keyboard focus inside.
// Without JavaScript the button simply submits.
(function () {
  'use strict';
  var element = document.getElementById('confirm-modal');
  if (!element || !window.bootstrap) { return; }
  var modal = window.bootstrap.Modal.getOrCreateInstance(element);
  var message = document.getElementById('confirm-modal-message');
  var ok = document.getElementById('confirm-ok');
  var pending = null;   // {form, button} waiting for an answer
  var confirmed = null; // the button whose next submission goes through
  var returnTo = null;  // where the focus goes back when the dialog closes

  // Capture phase on the document: runs before any form's own submit listeners (single-submit,
  // unsaved), so an unconfirmed submission never reaches them.
  document.addEventListener('submit', function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute('data-confirm')) { return; }
    if (confirmed === button) { confirmed = null; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    pending = { form: event.target, button: button };
    returnTo = button;
    message.textContent = button.getAttribute('data-confirm');
    ok.textContent = button.getAttribute('data-confirm-button') || ok.getAttribute('data-default-label');
    modal.show();
  }, true);

  element.addEventListener('shown.bs.modal', function () { ok.focus(); });

  // Tab and Shift+Tab cycle through the dialog's buttons (Bootstrap only catches focus coming
  // back into the page, not focus leaving it for the browser's own controls).
  element.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab') { return; }
    var focusable = Array.prototype.filter.call(element.querySelectorAll('button'), function (b) { return !b.disabled; });
    if (!focusable.length) { return; }
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  ok.addEventListener('click', function () {
    if (!pending) { return; }
    var form = pending.form;
    var button = pending.button;
    pending = null;
    confirmed = button;
    modal.hide();
    if (form.requestSubmit) {
      form.requestSubmit(button);
    } else {
      button.click();
    }
    confirmed = null; // submitted synchronously (or refused by the browser's validation): ask again next time
  });

  // Closed in any way (cancelled, or confirmed but refused by the browser's own form check): the
  // focus goes back to the button that asked, never to the top of the page.
  element.addEventListener('hidden.bs.modal', function () {
    pending = null;
    if (returnTo && document.contains(returnTo)) { returnTo.focus(); }
    returnTo = null;
  });
})();
