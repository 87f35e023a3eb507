// The ranking board (reports/templates/reports/board.html).
//
// Focus: after a shortlist move the list is replaced, so focus returns to the same button of
// the moved candidate (or its other button, at the ends); after In / Out, to the row's same
// button.
//
// Drag: the editor can drag a shortlisted signal by its handle, with a mouse, a pen or a
// finger (Pointer Events, one code path for all three). The list reorders under the pointer;
// on release the whole order is posted through the hidden order form (htmx), and the answer
// replaces the shortlist and says the new place in the status region (aria-live). Escape, or
// the browser taking the pointer back, puts the list back as it was. The handles are hidden
// until this script shows them, and are hidden from assistive technology: the Up and Down
// buttons are the keyboard's (and any single pointer's) way to do the same.
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
    showHandles();
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

  // --- drag -------------------------------------------------------------------------------

  // Within this distance of the window's top or bottom edge a drag scrolls the page.
  var EDGE = 48;
  var STEP = 12;

  var drag = null;     // the drag under way
  var pending = null;  // the order being saved: { list, before }

  function showHandles() {
    document.querySelectorAll("[data-drag-handle], [data-drag-hint]").forEach(function (element) {
      element.hidden = false;
    });
  }

  function itemsOf(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.matches("li[data-candidate]");
    });
  }

  function orderOf(list) {
    return itemsOf(list).map(function (item) { return item.getAttribute("data-candidate"); });
  }

  function putBack(list, order) {
    order.forEach(function (id) {
      var item = list.querySelector(':scope > li[data-candidate="' + id + '"]');
      if (item) list.appendChild(item);
    });
  }

  function formFor(list) {
    var section = list.closest("#shortlist");
    return section ? section.querySelector("form[data-order-form]") : null;
  }

  function say(text) {
    var status = document.getElementById("board-status");
    if (status) status.textContent = text;
  }

  function follow(clientY) {
    // The item sits where the pointer would drop it; a transform keeps it under the pointer.
    var item = drag.item;
    var next = null;
    var others = itemsOf(drag.list).filter(function (other) { return other !== item; });
    for (var i = 0; i < others.length; i++) {
      var box = others[i].getBoundingClientRect();
      if (clientY < box.top + box.height / 2) { next = others[i]; break; }
    }
    if (item.nextElementSibling !== next) drag.list.insertBefore(item, next);
    var top = item.getBoundingClientRect().top - drag.shift;
    drag.shift = clientY - drag.grab - top;
    var shift = "translateY(" + drag.shift + "px)";
    drag.lift.effect.setKeyframes([{ transform: shift }, { transform: shift }]);
  }

  function stop() {
    drag.lift.cancel();
    drag.item.classList.remove("is-dragging");
    drag.list.classList.remove("is-sorting");
    var done = drag;
    drag = null;
    return done;
  }

  function cancel() {
    if (!drag) return;
    var done = stop();
    putBack(done.list, done.before);
  }

  function finish() {
    if (!drag) return;
    var done = stop();
    var after = orderOf(done.list);
    if (after.join(",") === done.before.join(",")) return;
    var form = formFor(done.list);
    if (!form) { putBack(done.list, done.before); return; }
    form.querySelectorAll("input[name=candidate], input[name=moved]").forEach(function (input) {
      input.remove();
    });
    after.forEach(function (id) { form.appendChild(hidden("candidate", id)); });
    form.appendChild(hidden("moved", done.item.getAttribute("data-candidate")));
    pending = { list: done.list, before: done.before, form: form };
    done.list.setAttribute("aria-busy", "true");
    form.requestSubmit();
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  document.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest ? event.target.closest("[data-drag-handle]") : null;
    if (!handle || drag || (event.pointerType === "mouse" && event.button !== 0)) return;
    var item = handle.closest("li[data-candidate]");
    var list = item ? item.closest("[data-sortable]") : null;
    if (!list || list.getAttribute("aria-busy") === "true") return;
    event.preventDefault();  // no text selection, no scrolling (with touch-action: none)
    handle.setPointerCapture(event.pointerId);
    drag = {
      pointer: event.pointerId,
      item: item,
      list: list,
      before: orderOf(list),
      grab: event.clientY - item.getBoundingClientRect().top,
      shift: 0,
      lift: null
    };
    // The shift under the pointer is a held animation, not a style attribute: our CSP
    // refuses inline styles, and htmx would copy one onto the swapped-in list.
    drag.lift = item.animate([{ transform: "none" }, { transform: "none" }], { duration: 1, fill: "forwards" });
    drag.lift.finish();
    item.classList.add("is-dragging");
    list.classList.add("is-sorting");
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    event.preventDefault();
    if (event.clientY < EDGE) window.scrollBy(0, -STEP);
    else if (event.clientY > window.innerHeight - EDGE) window.scrollBy(0, STEP);
    follow(event.clientY);
  });

  document.addEventListener("pointerup", function (event) {
    if (drag && event.pointerId === drag.pointer) finish();
  });

  document.addEventListener("pointercancel", function (event) {
    if (drag && event.pointerId === drag.pointer) cancel();
  });

  document.addEventListener("keydown", function (event) {
    if (drag && event.key === "Escape") { event.preventDefault(); cancel(); }
  });

  // The answer replaces the shortlist (out of band); a failure puts the old order back.
  function failed(event) {
    if (!pending || event.detail.elt !== pending.form) return;
    pending.list.removeAttribute("aria-busy");
    putBack(pending.list, pending.before);
    say(pending.form.getAttribute("data-failed") || "");
    pending = null;
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (pending && event.detail.elt === pending.form && event.detail.successful) pending = null;
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showHandles);
  else showHandles();
})();
