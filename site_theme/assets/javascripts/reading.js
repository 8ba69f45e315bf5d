/* Reading aids that Material does not give, run on every page change through
 * document$ (instant navigation):
 * - a table wider than the screen scrolls in a region that a keyboard can reach
 *   (tabindex, a name taken from the table's heading): WCAG 2.1.1;
 * - the address bar follows the commitment being read, not only the section in
 *   the table of contents (which stops at level 3), so copying the address while
 *   reading gives a link to that commitment. Replaces navigation.tracking;
 * - each part of the navigation has a name of its own: Material names a section
 *   that has its own page (Gemeenten, a municipality) by a label holding only an
 *   icon, so those parts had no name, or one shared with the province above. */
(function () {
  "use strict";

  function headingBefore(element) {
    for (var node = element.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.replace(/#$/, "").trim();
    }
    return null;
  }

  function markScrollableTables() {
    var used = {};
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls) {
        var title = headingBefore(wrap);
        var name = title ? "Tabel: " + title : "Tabel";
        // Two tables under one heading: each region still has a name of its own.
        used[name] = (used[name] || 0) + 1;
        if (used[name] > 1) name += " (" + used[name] + ")";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", name + " (scrollt zijwaarts)");
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function ownTitle(nav) {
    var label = document.getElementById(nav.getAttribute("aria-labelledby") || "");
    var text = label ? label.textContent.trim() : "";
    if (!text && label && label.parentNode.classList.contains("md-nav__container")) {
      var link = label.parentNode.querySelector("a");
      text = link ? link.textContent.trim() : "";
    }
    return { label: label, text: text };
  }

  function nameNavigation() {
    var navs = Array.prototype.slice.call(document.querySelectorAll(".md-sidebar--primary nav.md-nav[aria-labelledby]"));
    var titles = new Map(navs.map(function (nav) { return [nav, ownTitle(nav)]; }));
    navs.forEach(function (nav) {
      var own = titles.get(nav);
      if (!own.label || own.label.textContent.trim() || !own.text) return;
      // The way down from the top ("Gemeenten › Groningen › Groningen"): unique where
      // a municipality has the name of its province.
      var names = [own.text];
      for (var up = nav.parentElement.closest("nav.md-nav"); up; up = up.parentElement.closest("nav.md-nav")) {
        if (titles.has(up) && titles.get(up).text) names.unshift(titles.get(up).text);
      }
      nav.removeAttribute("aria-labelledby");
      nav.setAttribute("aria-label", names.join(" › "));
    });
  }

  var targets = [];
  function collectTargets() {
    targets = Array.prototype.slice.call(document.querySelectorAll(
      "article :is(h2, h3, h4, h5, h6)[id], article .goal[id], article .chart-figure[id]"));
  }

  function headerOffset() {
    var header = document.querySelector(".md-header");
    return (header ? header.getBoundingClientRect().bottom : 0) + 8;
  }

  function visible(element) {
    var box = element.getBoundingClientRect();
    return box.bottom > headerOffset() && box.top < window.innerHeight;
  }

  function followReading() {
    if (!targets.length) return;
    var current = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (current && visible(current)) return; // the link that was opened is still in view
    // The reading line: a fifth of the screen below the header bar.
    var line = headerOffset() + window.innerHeight * 0.2;
    var last = null;
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].getBoundingClientRect().top > line) break;
      last = targets[i];
    }
    var hash = last ? "#" + last.id : "";
    if (hash !== location.hash) {
      history.replaceState(history.state, "", (hash || location.pathname + location.search));
    }
  }

  var scheduled = false;
  function onScroll() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () { scheduled = false; followReading(); });
  }

  document$.subscribe(function () {
    nameNavigation();
    markScrollableTables();
    collectTargets();
  });
  window.addEventListener("scroll", onScroll, { passive: true });
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollableTables, 100);
  });
})();
