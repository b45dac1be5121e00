// Ticketflow console: live countdowns from data-deadline, the live queue kept one row per
// ticket in urgency order, and keyboard shortcuts (listed in every page's footer).
(function () {
  "use strict";

  function formatLeft(ms, overdue) {
    var late = ms < 0;
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var text = (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
    return late ? overdue + " " + text : text;
  }

  function tick() {
    var overdue = document.body.dataset.overdue || "overdue";
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (row) {
      var cell = row.querySelector(".countdown");
      if (!cell || !row.dataset.deadline) { return; }
      var left = Date.parse(row.dataset.deadline) - now;
      cell.textContent = formatLeft(left, overdue);
      row.classList.toggle("late", left < 0);
    });
  }

  function deadlineOf(row) {
    var at = row.dataset.deadline ? Date.parse(row.dataset.deadline) : NaN;
    return isNaN(at) ? Infinity : at;
  }

  // A streamed row lands at the end of the table: keep only the newest row of each ticket,
  // drop the ones marked gone, and order by next deadline (the server's order for the rest).
  function settleQueue() {
    var body = document.getElementById("queue-rows");
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr"));
    var newest = {};
    rows.forEach(function (row) { newest[row.id] = row; });
    rows.forEach(function (row) {
      if (newest[row.id] !== row || row.dataset.gone === "true") { row.remove(); }
    });
    var kept = Array.prototype.slice.call(body.querySelectorAll("tr"));
    kept.sort(function (a, b) { return deadlineOf(a) - deadlineOf(b); });
    kept.forEach(function (row) { body.appendChild(row); });
    var empty = document.getElementById("queue-empty");
    if (empty) { empty.hidden = kept.length > 0; }
    tick();
  }

  var pendingG = false;
  function onKey(event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var links = Array.prototype.slice.call(document.querySelectorAll("#queue-rows .ticket-link"));
    var at = links.indexOf(document.activeElement);
    if (pendingG && event.key === "q") { window.location.assign("/queue"); pendingG = false; return; }
    pendingG = event.key === "g";
    if (event.key === "j" && links.length) { links[Math.min(at + 1, links.length - 1)].focus(); event.preventDefault(); }
    if (event.key === "k" && links.length) { links[Math.max(at - 1, 0)].focus(); event.preventDefault(); }
    if (event.key === "r") {
      var reply = document.getElementById("reply-body");
      if (reply) { reply.focus(); event.preventDefault(); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tz = document.getElementById("sign-in-tz");
    if (tz && window.Intl) { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; }
    document.body.addEventListener("htmx:sseMessage", settleQueue);
    document.body.addEventListener("htmx:afterSettle", settleQueue);
    document.addEventListener("keydown", onKey);
    settleQueue();
    tick();
    window.setInterval(tick, 1000);
  });
})();
