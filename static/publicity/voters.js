/* The 支部大会表决 form's voters (publicity/voters.py): fetched again when the case or the date
   changes (static/kit/fetched_list.js); "全部到会" ticks every row; the counts of those entitled
   and present are shown. */
(function () {
  "use strict";

  var voters = window.partyFetchedList({
    list: "[data-voter-list]",
    fields: { case: "id_case", held_on: "id_held_on" },
    keep: function (row) {
      return [row.querySelector("input[type=checkbox]").checked, row.querySelector("select").value];
    },
    restore: function (row, mark) {
      var box = row.querySelector("input[type=checkbox]");
      if (!box.disabled) { box.checked = mark[0]; }
      row.querySelector("select").value = mark[1];
    },
    changed: summarize
  });

  function summarize() {
    var box = document.querySelector("[data-voters-summary]");
    if (!box) { return; }
    var entitled = 0, present = 0;
    voters.rows().forEach(function (row) {
      if (row.querySelector("select").value) { return; }
      entitled += 1;
      if (row.querySelector("input[type=checkbox]").checked) { present += 1; }
    });
    var needed = Math.floor(entitled / 2) + 1;
    box.textContent = "有表决权" + entitled + "人、到会" + present + "人（到会须超过半数：至少" + needed + "人）";
    box.classList.toggle("is-short", present < needed);
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-voters-all]")) { return; }
    voters.rows().forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      if (box && !box.disabled) { box.checked = true; }
    });
    summarize();
  });

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("[data-voter-list]")) { summarize(); }
  });

  function start() {
    if (!voters.list()) { return; }
    voters.start();
    summarize();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
