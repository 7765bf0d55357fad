/* global window, document, location */
// Document viewer: bring the paragraph named in the URL fragment into view and mark it.
// CSS :target already highlights it; the class keeps the highlight when the browser
// restores a scroll position instead of jumping to the fragment.
(function () {
  'use strict';
  function focusTarget() {
    var id = '';
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return;
    }
    var prev = document.querySelectorAll('.para.is-target');
    for (var i = 0; i < prev.length; i++) prev[i].classList.remove('is-target');
    if (!id) return;
    var el = document.getElementById(id);
    if (!el || !el.classList.contains('para')) return;
    el.classList.add('is-target');
    el.scrollIntoView({ block: 'center' });
  }
  window.addEventListener('hashchange', focusTarget);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', focusTarget);
  else focusTarget();
})();
