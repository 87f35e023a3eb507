// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Put focus on an error summary so screen-reader and keyboard users hear what went wrong.
  function focusErrors(root) {
    var summary = (root || document).querySelector(".error-summary");
    if (summary) summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.detail.target); });

  // Quick capture: "Use this title" puts the suggested title in the field it controls, only
  // when clicked (a title the user typed is never replaced behind their back).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-title]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("aria-controls"));
    if (!field) return;
    field.value = button.getAttribute("data-use-title");
    field.focus();
  });
})();
