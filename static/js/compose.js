// The compose page (reports/templates/reports/compose.html): after "keep theirs" replaces a
// text block with the colleague's version, focus goes to its first textarea, so a keyboard
// user carries on where they were rather than at the top of the page.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function () {
    var block = document.querySelector("form.compose-block[data-focus]");
    if (!block) return;
    block.removeAttribute("data-focus");
    var first = block.querySelector("textarea");
    if (first) first.focus();
  });
})();
