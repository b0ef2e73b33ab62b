// Every page (base.html). No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  'use strict';
  // django-filter renders plain widgets: give the filter forms Bootstrap's small controls.
  document.querySelectorAll('form.filter-form input, form.filter-form select').forEach(function (el) {
    el.classList.add(el.tagName === 'SELECT' ? 'form-select' : 'form-control', 'form-control-sm');
  });
  // The language switcher submits as soon as a language is picked.
  var language = document.getElementById('language-select');
  if (language) {
    language.addEventListener('change', function () { language.form.submit(); });
  }
})();
