// A background job's page (a generated report, a large export): follow its progress until it
// finishes, then show the download link or the reason it failed (templates/includes/job_progress.html).
(function () {
  'use strict';
  var box = document.querySelector('[data-job-progress]');
  if (!box || box.dataset.finished === '1') { return; }
  function part(role) { return box.querySelector('[data-role="' + role + '"]'); }
  var bar = part('bar');
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        bar.style.width = data.progress + '%';
        bar.textContent = data.progress + '%';
        bar.parentElement.setAttribute('aria-valuenow', data.progress);
        var status = part('status');
        status.textContent = data.status_label;
        status.dataset.status = data.status;
        part('stage').textContent = data.stage;
        if (data.finished) {
          bar.classList.remove('progress-bar-striped', 'progress-bar-animated');
          status.className = 'badge text-bg-' + (data.status === 'done' ? 'success' : 'danger');
          if (data.status === 'done') {
            part('ready').hidden = false;
            part('finished').textContent = data.finished_at;
          } else {
            part('error').hidden = false;
            part('error-text').textContent = data.error;
          }
        } else {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
