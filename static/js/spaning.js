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
})();
