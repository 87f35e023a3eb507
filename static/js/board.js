// The ranking board (reports/templates/reports/board.html): after a shortlist move the list
// is replaced, so focus returns to the same button of the moved candidate (or its other
// button, at the ends); after In / Out, to the row's same button.
(function () {
  "use strict";

  var wanted = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.closest) return;
    var item = form.closest("li[id^=shortlisted-], tr[id^=candidate-]");
    var submitter = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent
      ? event.detail.requestConfig.triggeringEvent.submitter : null;
    if (item) wanted = { id: item.id, key: submitter ? (submitter.getAttribute("data-move") || submitter.value) : "" };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!wanted) return;
    var item = document.getElementById(wanted.id);
    var target = null;
    if (item) {
      target = item.querySelector('[data-move="' + wanted.key + '"], button[value="' + wanted.key + '"]') ||
        item.querySelector("button");
    }
    wanted = null;
    if (target) target.focus();
  });
})();
