// Tables and charts for screen readers (every page, base.html).
// Every data table has a name: a table with no caption, aria-label or aria-labelledby is named by the
// heading it sits under (the nearest heading before it, in reading order).
// Every chart (an svg.chart in a figure) is described by its data table: the first table after it in
// the same box (card), unless the template already says which (aria-describedby).
(function () {
  'use strict';
  var main = document.getElementById('main') || document.body;
  var headings = Array.prototype.slice.call(main.querySelectorAll('h1, h2, h3, h4, h5, h6, legend'));
  var counter = 0;
  main.querySelectorAll('table').forEach(function (table) {
    if (table.caption || table.hasAttribute('aria-label') || table.hasAttribute('aria-labelledby')) { return; }
    if (table.getAttribute('role') === 'presentation') { return; }
    var heading = null;
    headings.forEach(function (h) {
      // eslint-disable-next-line no-bitwise
      if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING && h.textContent.trim()) { heading = h; }
    });
    if (!heading) { return; }
    if (!heading.id) { heading.id = 'table-heading-' + (++counter); }
    table.setAttribute('aria-labelledby', heading.id);
  });
  // A table box that scrolls sideways (a wide table on a narrow screen) can be scrolled from the
  // keyboard: it takes focus (tabindex 0) and is a named region (its table's name).
  function focusableWhenScrolling() {
    main.querySelectorAll('.table-responsive').forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute('tabindex')) {
        var table = box.querySelector('table');
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        if (table && table.getAttribute('aria-labelledby')) {
          box.setAttribute('aria-labelledby', table.getAttribute('aria-labelledby'));
        } else if (table && (table.getAttribute('aria-label') || table.caption)) {
          box.setAttribute('aria-label', table.getAttribute('aria-label') || table.caption.textContent.trim());
        }
        box.dataset.scrollFocus = '1';
      } else if (!scrolls && box.dataset.scrollFocus) {
        ['tabindex', 'role', 'aria-labelledby', 'aria-label'].forEach(function (name) { box.removeAttribute(name); });
        delete box.dataset.scrollFocus;
      }
    });
  }
  focusableWhenScrolling();
  window.addEventListener('resize', focusableWhenScrolling);
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var figure = svg.closest('figure, [role=figure]');
    if (!figure || figure.hasAttribute('aria-describedby') || !figure.parentElement) { return; }
    var table = Array.prototype.filter.call(figure.parentElement.querySelectorAll('table'), function (t) {
      // eslint-disable-next-line no-bitwise
      return figure.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
    })[0];
    if (!table) { return; }
    if (!table.id) { table.id = 'chart-table-' + (++counter); }
    figure.setAttribute('aria-describedby', table.id);
  });
})();
