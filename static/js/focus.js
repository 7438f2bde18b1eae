// Keyboard focus after a page or a swapped panel: the error summary, else another element
// marked data-focus (the messages), takes it, so a keyboard or screen-reader user lands on
// what went wrong or what was done instead of the top of the page.
// An error summary's link (href="#id_field") moves focus to its field and shows the field
// with its label or legend (a browser following the link would only scroll).
(function () {
  function focusMarked(root) {
    var scope = root || document;
    var target = scope.querySelector("#error-summary[data-focus]") || scope.querySelector("[data-focus]");
    if (target) {
      target.focus();
    }
  }

  function fieldOf(link) {
    var id = decodeURIComponent(link.hash.slice(1));
    return id ? document.getElementById(id) : null;
  }

  // What to scroll to: a choice's legend, else the field's label, else the field itself.
  function captionOf(field) {
    var fieldset = field.closest("fieldset");
    if ((field.type === "radio" || field.type === "checkbox") && fieldset) {
      var legend = fieldset.querySelector("legend");
      if (legend) {
        return legend;
      }
    }
    return (field.labels && field.labels[0]) || field;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var field = link && fieldOf(link);
    if (!field || typeof field.focus !== "function") {
      return;
    }
    event.preventDefault();
    captionOf(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
  document.addEventListener("DOMContentLoaded", function () { focusMarked(document); });
  document.addEventListener("htmx:afterSettle", function (event) { focusMarked(event.target); });
})();
