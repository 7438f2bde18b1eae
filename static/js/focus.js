// Keyboard focus after a page or a swapped panel: the error summary, else another element
// marked data-focus (the messages), takes it, so a keyboard or screen-reader user lands on
// what went wrong or what was done instead of the top of the page.
(function () {
  function focusMarked(root) {
    var scope = root || document;
    var target = scope.querySelector("#error-summary[data-focus]") || scope.querySelector("[data-focus]");
    if (target) {
      target.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", function () { focusMarked(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusMarked(event.target); });
})();
