/* Filters on a theme's page per province (one list per province).
 * The page holds the full list of the province's commitments on the theme, each
 * with data-gemeente, data-jaar, data-organisatie, data-soort and data-status
 * (space-separated values); without JavaScript the reader sees all of
 * them. This script shows the hidden form and hides the items that do not match
 * every chosen value, and says how many remain in a live region ("N afspraken").
 * Runs through document$ because instant navigation swaps pages without a load event. */
(function () {
  "use strict";

  function countText(n) {
    return n === 1 ? "1 afspraak" : n + " afspraken";
  }

  function setUp(form) {
    if (form.dataset.ready) return;
    var list = document.getElementById(form.dataset.voor);
    var status = form.nextElementSibling;
    if (!list) return;
    var items = list.querySelectorAll("li[data-gemeente]");
    var selects = form.querySelectorAll("select[data-filter]");

    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        var match = Array.prototype.every.call(selects, function (select) {
          if (!select.value) return true;
          var values = (item.getAttribute("data-" + select.dataset.filter) || "").split(" ");
          return values.indexOf(select.value) !== -1;
        });
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (status) status.textContent = countText(shown) + " getoond";
    }

    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    form.dataset.ready = "1";
    if (status) status.textContent = countText(items.length) + " getoond";
  }

  function init() {
    document.querySelectorAll("form.afspraken-filter").forEach(setUp);
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
