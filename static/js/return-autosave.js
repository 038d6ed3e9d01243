// The return page's autosave (htmx): the server's refusals are shown, and no save starts once the
// person has pressed Submit or Save draft.
(function () {
  "use strict";
  // A refusal (400: too long; 409: changed elsewhere) is meant to be read in the status line;
  // htmx does not swap error answers by default.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (target && target.id === "autosave-status" && (status === 400 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // The form's own submission carries every answer; an autosave still waiting for its delay
  // would only race it (and move the version on under it).
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-autosave")) {
      event.target.setAttribute("data-submitting", "true");
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("[data-autosave]") : null;
    if (form && form.hasAttribute("data-submitting")) {
      event.preventDefault();
    }
  });
})();
