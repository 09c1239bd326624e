/* The annotated source: folded blocks open when a link points into them, and one button
 * unfolds the whole file. Without scripts every block still opens by its own summary. */
(function () {
  "use strict";

  function reveal() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var folded = target && target.closest ? target.closest("details.src-block") : null;
    if (folded && !folded.open) {
      folded.open = true;
      target.scrollIntoView({block: "center"});
    }
  }

  function start() {
    var buttons = document.querySelectorAll("figure.source .source-expand");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      var folded = button.closest("figure").querySelectorAll("details.src-block");
      button.hidden = folded.length === 0;
      button.addEventListener("click", (function (blocks, self) {
        return function () {
          var open = self.getAttribute("aria-pressed") !== "true";
          for (var j = 0; j < blocks.length; j++) blocks[j].open = open;
          self.setAttribute("aria-pressed", String(open));
          self.textContent = open ? "fold the lines without figures" : "show the whole file";
        };
      })(folded, button));
    }
    window.addEventListener("hashchange", reveal);
    reveal();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
