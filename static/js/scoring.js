// The scoring page's keyboard (reports/templates/reports/score.html). Progressive
// enhancement: every row is a plain form. A row saves by itself once both relevance and
// urgency are chosen (by key or by click). The single-key shortcuts are bound only when
// #scoring says data-shortcuts="on" (a person can turn them off: WCAG 2.1.4).
//   j / k              next / previous candidate
//   1 2 3              relevance for us
//   Shift + 1 2 3      urgency (read from the key's position, so any keyboard layout works)
//   c                  the comment field; Enter in it saves
//   ?                  the list of shortcuts
(function () {
  "use strict";

  // The candidate that had focus when its row was sent: focus returns to its new row.
  var focusAfterSwap = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#scoring .score-row"));
  }

  function currentRow() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".score-row") : null;
  }

  function focusRow(row) {
    if (!row) return;
    rows().forEach(function (other) { other.setAttribute("tabindex", other === row ? "0" : "-1"); });
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(currentRow());
    if (index === -1) { focusRow(list[step > 0 ? 0 : list.length - 1]); return; }
    focusRow(list[Math.min(list.length - 1, Math.max(0, index + step))]);
  }

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input[type=text], textarea, select, [contenteditable]:not([contenteditable=false])"));
  }

  // Both chosen: save the row (htmx takes the submit; without it, the form posts).
  function saveIfComplete(form) {
    if (form.querySelector("input[name=relevance]:checked") && form.querySelector("input[name=urgency]:checked")) {
      var row = form.closest(".score-row");
      focusAfterSwap = row ? row.getAttribute("data-candidate") : null;
      form.requestSubmit();
    }
  }

  function choose(row, name, value) {
    var input = row && row.querySelector("input[name=" + name + "][value='" + value + "']");
    if (!input) return;
    input.checked = true;
    saveIfComplete(input.form);
  }

  function openDialog() {
    var dialog = document.getElementById("shortcut-help");
    if (dialog && !dialog.open) dialog.showModal();
  }

  function digit(event) {
    var match = /^Digit([123])$/.exec(event.code || "") || /^Numpad([123])$/.exec(event.code || "");
    return match ? match[1] : null;
  }

  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
    if (isTyping(event.target)) return;
    var dialog = document.getElementById("shortcut-help");
    if (dialog && dialog.open) return;
    var row = currentRow();
    var number = digit(event);
    var handled = true;
    if (number) {
      if (!row) { move(1); row = currentRow(); }
      choose(row, event.shiftKey ? "urgency" : "relevance", number);
    } else {
      switch (event.key) {
        case "j": move(1); break;
        case "k": move(-1); break;
        case "c":
          var comment = row && row.querySelector("input[name=comment]");
          if (comment) comment.focus();
          break;
        case "?": openDialog(); break;
        default: handled = false;
      }
    }
    if (handled) event.preventDefault();
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.matches && input.matches("[data-score-form] input[type=radio]")) {
      saveIfComplete(input.form);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("[data-score-form]") && focusAfterSwap === null) {
      var row = form.closest(".score-row");
      if (row && row.contains(document.activeElement)) focusAfterSwap = row.getAttribute("data-candidate");
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (focusAfterSwap === null) return;
    var row = document.querySelector('.score-row[data-candidate="' + focusAfterSwap + '"]');
    focusAfterSwap = null;
    if (row) focusRow(row);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var scoring = document.getElementById("scoring");
    if (!scoring) return;
    var first = rows()[0];
    if (first) first.setAttribute("tabindex", "0");
    if (scoring.getAttribute("data-shortcuts") !== "on") return;
    document.querySelectorAll("[data-shortcuts-open], [data-shortcuts-hint]").forEach(function (element) {
      element.hidden = false;
    });
    var opener = document.querySelector("[data-shortcuts-open]");
    if (opener) opener.addEventListener("click", openDialog);
    document.addEventListener("keydown", onKey);
  });
})();
