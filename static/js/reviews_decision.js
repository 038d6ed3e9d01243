// Progressive enhancement for the rapid review decision form: the methodology
// question shows only when "Another learning review" is chosen. Without this
// file every question shows, and the server still ignores a methodology given
// for any other decision.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    document.querySelectorAll("[data-show-when-name]").forEach(function (block) {
      var form = block.closest("form");
      var name = block.getAttribute("data-show-when-name");
      var value = block.getAttribute("data-show-when-value");
      if (!form) { return; }
      function update() {
        var chosen = form.querySelector('input[name="' + name + '"]:checked');
        block.hidden = !(chosen && chosen.value === value);
      }
      form.addEventListener("change", function (event) {
        if (event.target.name === name) { update(); }
      });
      update();
    });
  });
})();
