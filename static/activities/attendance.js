/* The meeting add page's attendance list (activities/admin/attendance.py).
   - The list follows the organization, kind and date: it is fetched again when one changes
     (static/kit/fetched_list.js).
   - "全部出席" / "全部缺席" mark every row (those excused stay excused); choosing 请假 puts the
     cursor in the row's reason.
   - The counts (应到, 出席, 请假, 缺席) are shown as the rows are marked.
   - "按名单标记出席" marks present the names pasted above it and says which it could not find;
     the server applies the same list again when the meeting is saved. */
(function () {
  "use strict";
  var SEPARATORS = /[\s、，,；;\u3000]+/;

  // The list and its fetching again (static/kit/fetched_list.js).
  var attendance = window.partyFetchedList({
    list: "[data-attendance-list]",
    fields: { organization: "id_organization", kind: "id_kind", held_on: "id_held_on" },
    keep: function (row) {
      var reason = row.querySelector(".attendance-reason");
      return [checked(row), reason ? reason.value : ""];
    },
    restore: function (row, mark) {
      if (mark[0]) { markRow(row, mark[0]); }
      var reason = row.querySelector(".attendance-reason");
      if (reason && mark[1]) { reason.value = mark[1]; }
    },
    changed: summarize
  });
  var list = attendance.list, rows = attendance.rows;

  function checked(row) {
    var input = row.querySelector("input[type=radio]:checked");
    return input ? input.value : "";
  }

  function markRow(row, status) {
    var input = row.querySelector("input[type=radio][value=" + status + "]");
    if (input) { input.checked = true; }
  }

  function summarize() {
    var box = document.querySelector("[data-attendance-summary]");
    if (!box) { return; }
    var expected = 0, present = 0, leave = 0, absent = 0;
    rows().forEach(function (row) {
      var status = checked(row);
      var reason = row.querySelector(".attendance-reason");
      if (reason) { reason.classList.toggle("is-needed", status === "leave" && !reason.value.trim()); }
      if (row.hasAttribute("data-guest") || status === "excused") { return; }
      expected += 1;
      if (status === "present") { present += 1; }
      else if (status === "leave") { leave += 1; }
      else { absent += 1; }
    });
    box.textContent = "应到" + expected + "人：出席" + present + "人、请假" + leave + "人、缺席" + absent + "人";
    box.classList.toggle("is-short", expected > 0 && present * 2 <= expected);
  }

  function markAll(status) {
    rows().forEach(function (row) {
      if (!row.hasAttribute("data-excused")) { markRow(row, status); }
    });
    summarize();
  }

  function pasteReport() {
    var area = document.getElementById("id_present_names");
    if (!area) { return null; }
    var report = document.getElementById("attendance-paste-report");
    if (!report) {
      report = document.createElement("div");
      report.id = "attendance-paste-report";
      report.className = "attendance-paste-report";
      report.setAttribute("aria-live", "polite");
      area.parentNode.appendChild(report);
    }
    return report;
  }

  function markPasted() {
    var area = document.getElementById("id_present_names");
    if (!area) { return; }
    var byName = {};
    rows().forEach(function (row) {
      var name = row.querySelector(".attendance-name").textContent.trim();
      (byName[name] = byName[name] || []).push(row);
    });
    var unknown = [], ambiguous = [], done = 0, seen = {};
    area.value.split(SEPARATORS).forEach(function (name) {
      if (!name || seen[name]) { return; }
      seen[name] = true;
      var found = byName[name] || [];
      if (!found.length) { unknown.push(name); }
      else if (found.length > 1) { ambiguous.push(name); }
      else { markRow(found[0], "present"); done += 1; }
    });
    var parts = ["已标记出席" + done + "人"];
    if (unknown.length) { parts.push("不在应到名单中：" + unknown.join("、")); }
    if (ambiguous.length) { parts.push("有重名，请在名单中逐人勾选：" + ambiguous.join("、")); }
    var report = pasteReport();
    report.textContent = parts.join("；") + "。";
    report.style.color = unknown.length || ambiguous.length ? "" : "inherit";
    summarize();
  }

  function addPasteButton() {
    var area = document.getElementById("id_present_names");
    if (!area || document.getElementById("attendance-paste-apply")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.id = "attendance-paste-apply";
    button.className = "attendance-paste-apply";
    button.textContent = "按名单标记出席";
    area.parentNode.insertBefore(button, area.nextSibling);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest("[data-attendance-all]")) { markAll("present"); }
    else if (target.closest("[data-attendance-none]")) { markAll("absent"); }
    else if (target.closest("#attendance-paste-apply")) { markPasted(); }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-attendance-list] input[type=radio]")) {
      if (target.value === "leave") {
        var reason = target.closest("tr").querySelector(".attendance-reason");
        if (reason && !reason.value) { reason.focus(); }
      }
      summarize();
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("attendance-reason")) { summarize(); }
  });

  // The change page's attendance table (the inline): "全部出席" sets every row's select that is
  // not 免于参加 to 出席; the exceptions are then changed row by row.
  function addInlineButton() {
    var group = document.getElementById("attendances-group");
    if (!group || group.querySelector("[data-inline-all]")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "attendance-all attendance-inline-all";
    button.setAttribute("data-inline-all", "");
    button.textContent = "全部出席";
    button.addEventListener("click", function () {
      var selects = "select[name^=attendances-][name$=-status]:not([name*=__prefix__])";
      group.querySelectorAll(selects).forEach(function (select) {
        if (select.value !== "excused") { select.value = "present"; }
      });
    });
    group.insertBefore(button, group.firstChild);
  }

  function start() {
    addInlineButton();
    if (!list()) { return; }
    attendance.start();
    addPasteButton();
    summarize();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
