// Every page (base.html). No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  'use strict';
  // The language switcher submits as soon as a language is picked.
  var language = document.getElementById('language-select');
  if (language) {
    language.addEventListener('change', function () { language.form.submit(); });
  }
})();
