// Live word counts for textareas with a word limit (the outcomes form's synopsis and key findings).
// Progressive enhancement: without this file the page shows the count as of the last drawing, and the
// server refuses text over the limit all the same, keeping what was typed.
//
// Counts exactly as reviews/words.py does: a word is a run of non-whitespace characters
// (Python's str.split(), here text.trim().split(/\s+/)). The message is worded the same way too:
// "120 words (limit 300)" or "312 words — 12 over the limit of 300".
(function () {
  "use strict";

  function countWords(text) {
    var trimmed = (text || "").trim();
    return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
  }

  function status(count, limit) {
    var noun = count === 1 ? "word" : "words";
    if (count > limit) {
      return count + " " + noun + " \u2014 " + (count - limit) + " over the limit of " + limit;
    }
    return count + " " + noun + " (limit " + limit + ")";
  }

  function attach(textarea) {
    var limit = parseInt(textarea.getAttribute("data-word-limit"), 10);
    var counter = document.getElementById(textarea.id + "-count");
    if (!counter || isNaN(limit)) { return; }
    var last = null;
    function update() {
      var count = countWords(textarea.value);
      var text = status(count, limit);
      // Only touch the live region when the words change, so screen readers are not told on every key.
      if (text === last) { return; }
      last = text;
      counter.textContent = text;
      counter.classList.toggle("word-count-over", count > limit);
    }
    textarea.addEventListener("input", update);
    update();
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    document.querySelectorAll("textarea[data-word-limit]").forEach(attach);
  });
})();
