// Keyboard focus after a page or a swapped panel: an element marked data-focus (an error
// summary) takes it, so a keyboard or screen-reader user lands on what went wrong instead
// of the top of the page.
(function () {
  function focusMarked(root) {
    var target = (root || document).querySelector("[data-focus]");
    if (target) {
      target.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", function () { focusMarked(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusMarked(event.target); });
})();
