// A generated report's page: follow the Celery job's progress until it finishes.
(function () {
  'use strict';
  var box = document.getElementById('report-progress');
  if (!box || box.dataset.finished === '1') { return; }
  var bar = document.getElementById('report-bar');
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.progress + '%';
        bar.textContent = data.progress + '%';
        bar.parentElement.setAttribute('aria-valuenow', data.progress);
        var status = document.getElementById('report-status');
        status.textContent = data.status_label;
        status.dataset.status = data.status;
        document.getElementById('report-stage').textContent = data.stage;
        if (data.finished) {
          bar.classList.remove('progress-bar-striped', 'progress-bar-animated');
          status.className = 'badge text-bg-' + (data.status === 'done' ? 'success' : 'danger');
          if (data.status === 'done') {
            document.getElementById('report-ready').hidden = false;
            document.getElementById('report-finished').textContent = data.finished_at;
          } else {
            document.getElementById('report-error').hidden = false;
            document.getElementById('report-error-text').textContent = data.error;
          }
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
