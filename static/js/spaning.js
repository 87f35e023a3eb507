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

  // The header's menu on phones: the button shows and hides it (the CSS hides the menu only
  // while the button says it is collapsed). Escape closes it and gives focus back.
  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
      button.setAttribute("aria-expanded", "false");
      button.focus();
    });
  }
  document.addEventListener("DOMContentLoaded", setUpMenu);
})();
