/* A list of people on an admin form that is fetched again when the form's fields change: the
   meeting's attendance (static/activities/attendance.js) and the vote's voters
   (static/publicity/voters.js). The page's list carries `data-source` (the URL that draws it).

   window.partyFetchedList({
     list: "[data-…-list]",          // the list's selector
     fields: {param: "id_field"},    // the query the list follows, from the form's fields
     keep: function (row) {…},       // what a row has been given meanwhile (kept across a fetch)
     restore: function (row, mark) {…},
     changed: function () {…}        // after a fetch (the counts)
   }) -> {list, rows, start}

   `start()` takes the list shown as the current query's and listens to the fields (select2, the
   admin's autocomplete, tells jQuery listeners only). */
(function () {
  "use strict";

  window.partyFetchedList = function (options) {
    var lastQuery = null;

    function list() { return document.querySelector(options.list); }

    function rows() {
      var found = list();
      return found ? Array.prototype.slice.call(found.querySelectorAll("tr[data-key]")) : [];
    }

    function currentQuery() {
      var params = {};
      Object.keys(options.fields).forEach(function (param) {
        var field = document.getElementById(options.fields[param]);
        params[param] = field ? field.value : "";
      });
      return new URLSearchParams(params).toString();
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
          // What was marked meanwhile stays (a row still on the new list keeps it).
          var kept = {};
          rows().forEach(function (row) { kept[row.getAttribute("data-key")] = options.keep(row); });
          var old = list();
          if (old) { old.outerHTML = html; }
          rows().forEach(function (row) {
            var mark = kept[row.getAttribute("data-key")];
            if (mark) { options.restore(row, mark); }
          });
          options.changed();
        })
        .catch(function () { /* the list stays; saving checks it again */ });
    }

    var ids = Object.keys(options.fields).map(function (param) { return options.fields[param]; });

    document.addEventListener("change", function (event) {
      if (ids.indexOf(event.target.id) !== -1) { reload(); }
    });

    function start() {
      lastQuery = currentQuery();  // the list shown is this one's (the picker's start is no change)
      if (window.django && window.django.jQuery) {
        // A field's change heard twice (natively and by jQuery) fetches once: same query.
        ids.forEach(function (id) { window.django.jQuery("#" + id).on("change", reload); });
      }
    }

    return { list: list, rows: rows, start: start };
  };
})();
