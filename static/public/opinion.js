/* The notice's page is the same for every visitor (kept and shared, publicity/views.py): the
   opinion form, with this visitor's captcha question and CSRF token, is fetched when the resident
   asks for it, and put where the link was. Without script, or when the fetch fails, the link
   opens the notice's page with the form (?form=1). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-opinion-form]") : null;
    if (!link) { return; }
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.getAttribute("data-opinion-form"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        link.parentNode.outerHTML = html;
        var first = document.getElementById("id_text");
        if (first) { first.focus(); }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
