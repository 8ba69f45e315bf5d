// Site search in Material's header (partials/header.html): a button opens a
// panel with Pagefind's UI, which is loaded from the site itself (pagefind/)
// the first time the panel opens, so a reader who does not search downloads
// nothing for it. Keys: "/" or "s" opens, Esc closes and returns focus;
// moving focus out of it closes it too.
// After every page change (also Material's instant navigation, hence
// document$.subscribe) the panel closes and the searched words are highlighted
// when the page was reached from a result (?pagefind-highlight=...).
(function () {
  "use strict";
  var HIGHLIGHT_PARAM = "pagefind-highlight";
  // Pagefind's ranking, shared with the tests (tests/test_search.py). A document
  // is long by nature: a low page-length penalty keeps a document that names an
  // organisation many times above a short page about the site that names it once.
  // A municipality's or organisation's own page carries its exact name as "naam"
  // (generator/search.py): a search for that name shows that page first.
  var NAME_META = "naam";
  var OPTIONS = { ranking: { pageLength: 0.2, metaWeights: { naam: 100 } } };
  var ui = null;
  var api = null;

  // A large site is indexed in parts (generator/search.py); parts.json lists
  // the bundles to search besides pagefind/.
  function bundles() {
    return fetch(root() + "pagefind/parts.json")
      .then(function (r) { return r.ok ? r.json() : { merge: [] }; })
      .then(function (p) { return p.merge.map(function (b) { return root() + b; }); });
  }

  // Pagefind's JS API with the site's options and parts, for scripts and the
  // tests (tests/test_search.py, bench/national.py).
  function pagefind() {
    if (api) return api;
    api = Promise.all([import(root() + "pagefind/pagefind.js"), bundles()]).then(function (loaded) {
      var pf = loaded[0];
      return pf.options(OPTIONS)
        .then(function () { return Promise.all(loaded[1].map(function (b) { return pf.mergeIndex(b); })); })
        .then(function () { return pf.init(); })
        .then(function () { return pf; });
    });
    return api;
  }
  window.siteSearch = { options: OPTIONS, pagefind: pagefind };

  function root() {
    // The site's root path, also when the site lives under a sub-path.
    return (window.__md_scope || new URL("/", location)).pathname;
  }

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { el[k] = attrs[k]; });
      el.onload = resolve;
      el.onerror = function () { reject(new Error("kan " + (attrs.src || attrs.href) + " niet laden")); };
      document.head.appendChild(el);
    });
  }

  function elements() {
    var box = document.querySelector("[data-site-search]");
    if (!box) return null;
    return {
      toggle: box.querySelector(".site-search__toggle"),
      panel: box.querySelector(".site-search__panel"),
    };
  }

  function input() {
    return document.querySelector("#site-search-ui input");
  }

  function start() {
    if (ui) return ui;
    var bundle = root() + "pagefind/";
    ui = Promise.all([
      load("link", { rel: "stylesheet", href: bundle + "pagefind-ui.css" }),
      load("script", { src: bundle + "pagefind-ui.js" }),
      bundles(),
    ]).then(function (loaded) {
      /* global PagefindUI */
      new PagefindUI({
        element: "#site-search-ui",
        bundlePath: bundle,
        baseUrl: root(),
        showSubResults: true,
        showImages: false,
        resetStyles: false,
        pageSize: 8,
        excerptLength: 24,
        highlightParam: HIGHLIGHT_PARAM,
        openFilters: [],
        ranking: OPTIONS.ranking,
        // The name is for ranking only; the result's title already says it.
        processResult: function (result) {
          delete result.meta[NAME_META];
          return result;
        },
        mergeIndex: loaded[2].map(function (b) { return { bundlePath: b }; }),
        translations: {
          placeholder: "Zoek op woord, organisatie of getal",
          clear_search: "Wissen",
        },
      });
      var field = input();
      if (field) field.setAttribute("aria-label", "Zoekwoorden");
    });
    return ui;
  }

  function open() {
    var p = elements();
    if (!p) return;
    p.panel.hidden = false;
    p.toggle.setAttribute("aria-expanded", "true");
    start().then(function () {
      var field = input();
      if (field) { field.focus(); field.select(); }
    });
  }

  function close(returnFocus) {
    var p = elements();
    if (!p || p.panel.hidden) return;
    p.panel.hidden = true;
    p.toggle.setAttribute("aria-expanded", "false");
    if (returnFocus) p.toggle.focus();
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // Where the click was, as the event's path (taken when it began): Pagefind's UI
  // removes a button it handles ("Meer resultaten laden") before this runs, and a
  // removed element is no longer inside the panel.
  document.addEventListener("click", function (ev) {
    var p = elements();
    if (!p) return;
    var path = ev.composedPath();
    if (path.indexOf(p.toggle) >= 0) {
      if (p.panel.hidden) open(); else close(true);
    } else if (!p.panel.hidden && path.indexOf(p.panel) < 0) {
      close(false);
    }
  });

  // The panel lies over the page: when focus moves to the page behind it
  // (Tab past the last result), it closes, so the focused element is visible.
  document.addEventListener("focusout", function (ev) {
    var p = elements();
    if (!p || p.panel.hidden || !ev.relatedTarget) return;
    var box = p.panel.parentNode;
    if (box.contains(ev.target) && !box.contains(ev.relatedTarget)) close(false);
  });

  // Capture phase on window: runs before Material's own shortcuts, which would
  // open the search of Material's plugin that this site does not use.
  window.addEventListener("keydown", function (ev) {
    var p = elements();
    if (!p) return;
    if (ev.key === "Escape" && !p.panel.hidden) {
      ev.preventDefault();
      ev.stopPropagation();
      close(true);
    } else if ((ev.key === "/" || ev.key === "s") && !ev.ctrlKey && !ev.metaKey && !ev.altKey
               && !typing(ev.target)) {
      ev.preventDefault();
      ev.stopPropagation();
      open();
    }
  }, true);

  function highlight() {
    if (!new URL(location.href).searchParams.has(HIGHLIGHT_PARAM)) return;
    import(root() + "pagefind/pagefind-highlight.js").then(function (mod) {
      new mod.default({ highlightParam: HIGHLIGHT_PARAM, markContext: "article" });
    });
  }

  function onPage() {
    close(false);
    highlight();
  }

  if (window.document$) {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
