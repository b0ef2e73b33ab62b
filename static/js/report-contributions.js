// The lead consolidates: append each submitted contribution to "work done".
(function () {
  'use strict';
  var useContributions = document.getElementById('use-contributions');
  if (!useContributions) { return; }
  useContributions.addEventListener('click', function () {
    var target = document.getElementById('id_achievements');
    document.querySelectorAll('.contribution-text').forEach(function (el) {
      var line = '【' + el.dataset.department + '】' + el.innerText.trim();
      if (target.value.indexOf(line) === -1) { target.value = (target.value ? target.value + '\n' : '') + line; }
    });
    target.focus();
  });
})();
