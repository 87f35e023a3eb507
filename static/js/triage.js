// The triage queue's keyboard (scanning/templates/scanning/queue.html). Progressive
// enhancement: every action is also a real link or button. The single-key shortcuts are
// bound only when #queue says data-shortcuts="on" (a person can turn them off: WCAG 2.1.4);
// keeping focus in the list after a dismissal or an undo works either way.
(function () {
  "use strict";

  var queue = null;
  // Where focus goes once a dismissed row has left (its neighbour), set before the request.
  var focusAfterSwap = null;
  // A page link's words for the status region ("Older items are shown"), set before the
  // request, and that request: once its page has settled (not any other swap meanwhile, such
  // as the dismissal that emptied the list), it starts at its first item, said aloud.
  var pageTurned = null;
  var pageRequest = null;
  // The list is being refilled (refillWhenEmpty): its request turns the page, wordlessly.
  var refilling = false;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-results .queue-item"));
  }

  // The item the reader is on: the one focused, or the one holding focus (its buttons).
  function currentItem() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".queue-item") : null;
  }

  // Roving focus: only the current item is in the tab order.
  function focusItem(item) {
    if (!item) return;
    items().forEach(function (other) { other.setAttribute("tabindex", other === item ? "0" : "-1"); });
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = items();
    if (!list.length) return;
    var index = list.indexOf(currentItem());
    if (index === -1) { focusItem(list[step > 0 ? 0 : list.length - 1]); return; }
    focusItem(list[Math.min(list.length - 1, Math.max(0, index + step))]);
  }

  function neighbour(item) {
    var list = items();
    var index = list.indexOf(item);
    if (index === -1) return null;
    return list[index + 1] || list[index - 1] || null;
  }

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])"));
  }

  function openDialog() {
    var dialog = document.getElementById("shortcut-help");
    if (dialog && !dialog.open) dialog.showModal();
  }

  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
    if (isTyping(event.target)) return;
    var dialog = document.getElementById("shortcut-help");
    if (dialog && dialog.open) return;  // the dialog has its own keys (Esc closes it)
    var item = currentItem();
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "o":
        var link = item && item.querySelector("[data-open]");
        if (link) window.open(link.href, "_blank", "noopener,noreferrer");
        break;
      case "p":
        var promote = item && item.querySelector("[data-promote]");
        if (promote) { rememberPlace(item); window.location.assign(promote.href); }
        break;
      case "d":
        var dismiss = item && item.querySelector("[data-dismiss]");
        if (dismiss) dismiss.click();
        break;
      case "u":
        var undo = document.querySelector("#queue-status [data-undo], .messages [data-undo]");
        if (undo) undo.click();
        break;
      case "x":
        var box = item && item.querySelector("[data-select]");
        if (box) box.checked = !box.checked;
        break;
      case "D":
        var selected = document.querySelector("[data-dismiss-selected]");
        if (selected) selected.click();
        break;
      case "?": openDialog(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  }

  // A row's Dismiss (by key or by click): focus moves on to the next row once it has gone.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (refilling || (form && form.matches && form.matches("[data-page-link]"))) {
      pageTurned = refilling ? "" : form.getAttribute("data-announce") || "";
      pageRequest = event.detail.xhr;
      refilling = false;
      return;
    }
    if (form && form.matches && form.matches("[data-dismiss-form]")) {
      focusAfterSwap = neighbour(form.closest(".queue-item") || form);
    } else if (form && form.closest && form.closest("#queue-status, .messages, #queue-selection")) {
      focusAfterSwap = currentItem() ? currentItem().getAttribute("data-item") : null;
    }
  });

  // A row's Dismiss answered 404 (the item was gone before it was asked): that answer says
  // so in the status region and takes the row away, as for an item gone meanwhile.
  document.addEventListener("htmx:beforeSwap", function (event) {
    // The form that asked (the event's own elt is the row it would swap).
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 404 && form && form.matches && form.matches("[data-dismiss-form]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a page link: the new page's first item, its list at the top of the view, and the
  // status region saying which page it is.
  function showTurnedPage() {
    var words = pageTurned;
    pageTurned = null;
    pageRequest = null;
    var list = document.querySelector("#queue-results .queue-list");
    if (list) list.scrollIntoView({ block: "start" });
    if (items().length) focusItem(items()[0]);
    else focusEmpty();
    var status = document.getElementById("queue-status");
    if (status && words) status.textContent = words;
  }

  // Nothing left to focus in the list: its "empty" sentence, so focus is not lost to <body>.
  function focusEmpty() {
    var empty = document.querySelector("#queue-results .empty");
    if (!empty) return;
    empty.setAttribute("tabindex", "-1");
    empty.focus();
  }

  // After an undo, the restored item; after a dismissal, the row's neighbour.
  function restoreFocus(event) {
    if (pageRequest) {
      if (event && event.detail && event.detail.xhr === pageRequest) showTurnedPage();
      return;
    }
    var place = document.getElementById("queue-place");
    var restored = place && place.getAttribute("data-focus-item");
    if (restored) {
      place.removeAttribute("data-focus-item");
      focusItem(document.querySelector('.queue-item[data-item="' + restored + '"]'));
      focusAfterSwap = null;
      return;
    }
    if (focusAfterSwap === null) return;
    var target = typeof focusAfterSwap === "string"
      ? document.querySelector('.queue-item[data-item="' + focusAfterSwap + '"]')
      : focusAfterSwap;
    focusAfterSwap = null;
    if (target && document.contains(target)) focusItem(target);
    else if (items().length) focusItem(items()[0]);
    else focusEmpty();
  }
  document.addEventListener("htmx:afterSettle", restoreFocus);
  // A dismissed row is swapped for nothing, so no settle event reaches the document from it;
  // the status region's out-of-band swap does, just before the row goes.
  document.addEventListener("htmx:oobAfterSwap", function () {
    window.setTimeout(function () {
      restoreFocus();
      refillWhenEmpty();
    }, 0);
  });

  // The last row of a page dismissed: the page asks again for what the queue now holds there
  // (older items, or why it is empty), as a reload would show it.
  function refillWhenEmpty() {
    var list = document.querySelector("#queue-results .queue-list");
    if (!list || list.querySelector("li") || !window.htmx) return;
    refilling = true;  // focus to what comes: the first item, or why the queue is empty
    window.htmx.ajax("GET", window.location.href, { target: "#queue-results", swap: "innerHTML" });
  }

  // Promote leaves the page for the signal form: the reader's place is kept for the way back
  // (Cancel, or the signal saved), so the next j goes on from there, not from the top.
  var PLACE_KEY = "spaning.triage.place";
  function rememberPlace(item) {
    try {
      var next = neighbour(item);
      window.sessionStorage.setItem(PLACE_KEY, JSON.stringify({
        item: item.getAttribute("data-item"),
        next: next ? next.getAttribute("data-item") : null,
        at: Date.now()
      }));
    } catch (error) { /* storage refused (private mode): the list starts at the top */ }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-promote]");
    if (link) rememberPlace(link.closest(".queue-item"));
  });

  // Back from the signal form: the item itself if it is still there (cancelled), else the
  // one after it (promoted, it has left the queue).
  function returnToPlace() {
    var place = null;
    try {
      place = JSON.parse(window.sessionStorage.getItem(PLACE_KEY) || "null");
      window.sessionStorage.removeItem(PLACE_KEY);
    } catch (error) { return; }
    if (!place || Date.now() - place.at > 30 * 60 * 1000) return;
    var find = function (pk) {
      return pk ? document.querySelector('.queue-item[data-item="' + pk + '"]') : null;
    };
    var target = find(place.item) || find(place.next);
    if (!target) return;
    focusItem(target);
    target.scrollIntoView({ block: "center" });
  }

  // Back from the signal form by the browser's Back, the page kept as it was: nothing to
  // restore, but the kept place must not apply to a later visit.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) returnToPlace();
  });

  document.addEventListener("DOMContentLoaded", function () {
    queue = document.getElementById("queue");
    if (!queue) return;
    var first = items()[0];
    if (first) first.setAttribute("tabindex", "0");
    returnToPlace();
    if (queue.getAttribute("data-shortcuts") !== "on") return;
    document.querySelectorAll("[data-shortcuts-open], [data-shortcuts-hint]").forEach(function (element) {
      element.hidden = false;
    });
    var opener = document.querySelector("[data-shortcuts-open]");
    if (opener) opener.addEventListener("click", openDialog);
    document.addEventListener("keydown", onKey);
  });
})();
