// Every data table has a name for screen readers (every page, base.html). A table with no caption,
// aria-label or aria-labelledby is named by the heading it sits under (the nearest heading before it,
// in reading order); tables written with their own caption keep it.
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
})();
