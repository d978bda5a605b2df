/* The 支部大会表决 form's voters (publicity/voters.py): fetched again when the case or the date
   changes; "全部到会" ticks every row; the counts of those entitled and present are shown. */
(function () {
  "use strict";
  var lastQuery = null;

  function list() { return document.querySelector("[data-voter-list]"); }

  function rows() {
    var found = list();
    return found ? Array.prototype.slice.call(found.querySelectorAll("tr[data-key]")) : [];
  }

  function summarize() {
    var box = document.querySelector("[data-voters-summary]");
    if (!box) { return; }
    var entitled = 0, present = 0;
    rows().forEach(function (row) {
      if (row.querySelector("select").value) { return; }
      entitled += 1;
      if (row.querySelector("input[type=checkbox]").checked) { present += 1; }
    });
    var needed = Math.floor(entitled / 2) + 1;
    box.textContent = "有表决权" + entitled + "人、到会" + present + "人（到会须超过半数：至少" + needed + "人）";
    box.classList.toggle("is-short", present < needed);
  }

  function value(id) {
    var field = document.getElementById(id);
    return field ? field.value : "";
  }

  function currentQuery() {
    return new URLSearchParams({ case: value("id_case"), held_on: value("id_held_on") }).toString();
  }

  function reload() {
    var current = list();
    if (!current) { return; }
    var query = currentQuery();
    if (query === lastQuery) { return; }
    lastQuery = query;
    fetch(current.getAttribute("data-source") + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        // What was ticked meanwhile stays (a row still on the new list keeps it).
        var kept = {};
        rows().forEach(function (row) {
          var box = row.querySelector("input[type=checkbox]");
          kept[row.getAttribute("data-key")] = [box.checked, row.querySelector("select").value];
        });
        var old = list();
        if (old) { old.outerHTML = html; }
        rows().forEach(function (row) {
          var mark = kept[row.getAttribute("data-key")];
          var box = row.querySelector("input[type=checkbox]");
          if (!mark) { return; }
          if (!box.disabled) { box.checked = mark[0]; }
          row.querySelector("select").value = mark[1];
        });
        summarize();
      })
      .catch(function () { /* the list stays; saving checks it again */ });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-voters-all]")) { return; }
    rows().forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      if (box && !box.disabled) { box.checked = true; }
    });
    summarize();
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.closest && target.closest("[data-voter-list]")) { summarize(); }
    else if (target.id === "id_held_on" || target.id === "id_case") { reload(); }
  });

  function start() {
    if (!list()) { return; }
    lastQuery = currentQuery();  // the list shown is this one's (the picker's start is no change)
    summarize();
    if (window.django && window.django.jQuery) { window.django.jQuery("#id_case").on("change", reload); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
