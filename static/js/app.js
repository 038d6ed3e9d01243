// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Move focus to the error summary so keyboard and screen-reader users hear it first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    // Buttons that ask before a destructive action (no inline script: CSP forbids it).
    document.addEventListener("submit", function (event) {
      var message = event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) { event.preventDefault(); }
    });
    // Close the partnership switcher with Escape, returning focus to it.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      document.querySelectorAll("details.switcher[open]").forEach(function (d) {
        d.removeAttribute("open");
        d.querySelector("summary").focus();
      });
    });
  });
})();
