/* For journalists, run on every page change through document$:
 * - "Kopieer link" on each commitment, table and chart: copies the absolute
 *   permalink (Clipboard API; else the link is shown selected in a small field);
 * - "Citeer" on each commitment: a citation in plain Dutch, as CSL-JSON and as
 *   BibTeX, from the data-cite-* attributes the generator writes (_macros.html.j2)
 *   plus today's date in the reader's browser;
 * - "Insluiten" on each chart: the <iframe> code of its page without the site around it.
 * Data text only ever goes into the page through textContent and value. */
(function () {
  "use strict";

  var status = null; // one polite live region per page

  function announce(message) {
    if (!status || !document.body.contains(status)) {
      status = document.createElement("p");
      status.className = "share-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = "";
    // A change after an empty text is read out even when the message repeats.
    setTimeout(function () { status.textContent = message; }, 50);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function siteUrl(path) {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    return new URL(base.replace(/\/?$/, "/") + path, location.href).href;
  }

  function permalink(id) {
    return location.origin + location.pathname + "#" + id;
  }

  /* Copy text; where the Clipboard API is missing or refused, show it in a field,
   * selected, next to the button, to copy by hand. */
  function copy(text, button, done) {
    function fallback() {
      var holder = button.parentNode;
      var field = holder.querySelector(".share-fallback");
      if (!field) {
        field = el("input", "share-fallback");
        field.type = "text";
        field.readOnly = true;
        field.setAttribute("aria-label", "Link om te kopiëren");
        holder.appendChild(field);
      }
      field.value = text;
      field.focus();
      field.select();
      announce("Kopiëren lukte niet vanzelf: de tekst staat geselecteerd, kopieer met Ctrl+C of Cmd+C");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { announce(done); }, fallback);
    } else {
      fallback();
    }
  }

  function button(text, label) {
    var b = el("button", "md-button share-button", text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function labelOf(target) {
    var text = target.tagName === "FIGURE"
      ? (target.querySelector("figcaption strong") || target).textContent
      : target.textContent;
    return text.replace(/#\s*$/, "").replace(/\s+/g, " ").trim().replace(/\.$/, "");
  }

  function toggle(button, panel) {
    button.setAttribute("aria-expanded", "false");
    panel.hidden = true;
    button.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
    });
  }

  function copyBlock(panel, title, text, done) {
    var block = el("div", "share-block");
    var heading = el("p", "share-block-title", title);
    var pre = el("pre", "share-text", text);
    pre.tabIndex = 0;
    var b = button("Kopieer", "Kopieer " + title);
    b.addEventListener("click", function () { copy(text, b, done); });
    block.appendChild(heading);
    block.appendChild(pre);
    block.appendChild(b);
    panel.appendChild(block);
  }

  // --- citations -----------------------------------------------------------------

  function dutchDate(date) {
    return date.toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function bibtex(text) {
    return text.replace(/[\\{}%&$#_^~]/g, function (c) { return c === "\\" ? "\\textbackslash{}" : "\\" + c; });
  }

  function citations(wrapper) {
    var d = wrapper.dataset;
    var url = siteUrl(d.citePath);
    var now = new Date();
    var today = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
    var signed = d.citeSigned ? new Date(d.citeSigned + "T00:00:00Z") : null;
    // Without a signing date the document's year: a citation is never undated ("z.d.").
    var year = signed ? signed.getUTCFullYear() : parseInt(d.citeYear, 10);
    // What the editors did to the text, its parties or heading (records.py), with the reason.
    var marks = d.citeMarks ? " Niet zoals gedrukt: " + d.citeMarks + "." : "";
    var plain = "Gemeente " + d.citeMunicipality + ", " + d.citeDocument + ", " + d.citeLabel + "." +
      (signed ? " Ondertekend op " + dutchDate(signed) + "." : " Uit " + year + ".") + marks +
      " " + url + " (geraadpleegd op " + dutchDate(today) + ").";
    var parts = function (date) { return [[date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]]; };
    var csl = {
      id: d.citePath.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, ""),
      type: "document",
      title: d.citeLabel + " – " + d.citeDocument,
      "container-title": d.citeDocument,
      author: [{ literal: "Gemeente " + d.citeMunicipality }],
      publisher: d.citePublisher,
      language: "nl",
      URL: url,
      accessed: { "date-parts": parts(today) },
    };
    csl.issued = { "date-parts": signed ? parts(signed) : [[year]] };
    if (d.citeMarks) csl.note = "Niet zoals gedrukt: " + d.citeMarks;
    var key = csl.id.replace(/-/g, "_");
    var bib = "@misc{" + key + ",\n" +
      "  author = {{Gemeente " + bibtex(d.citeMunicipality) + "}},\n" +
      "  title = {" + bibtex(d.citeLabel + " – " + d.citeDocument) + "},\n" +
      (signed ? "  date = {" + d.citeSigned + "},\n" : "") + "  year = {" + year + "},\n" +
      (d.citeMarks ? "  note = {" + bibtex("Niet zoals gedrukt: " + d.citeMarks) + "},\n" : "") +
      "  publisher = {" + bibtex(d.citePublisher) + "},\n" +
      "  url = {" + url + "},\n" +
      "  urldate = {" + today.toISOString().slice(0, 10) + "},\n" +
      "  language = {dutch}\n}";
    return { plain: plain, csl: JSON.stringify([csl], null, 2), bibtex: bib };
  }

  // --- the controls ----------------------------------------------------------------

  function addTools(target) {
    if (!target.id || target.dataset.shareTools) return;
    target.dataset.shareTools = "1";
    var label = labelOf(target);
    var bar = el("div", "share-tools");
    var wrapper = target.classList.contains("commitment-title") ? target.closest(".commitment[data-cite-path]") : null;
    // A commitment's link is its own small page (generator/previews.py): pasted in a
    // message or a post it previews the commitment's text, then opens it right here.
    var address = wrapper && wrapper.dataset.sharePath ? siteUrl(wrapper.dataset.sharePath) : permalink(target.id);
    var link = button("Kopieer link", "Kopieer link naar " + label);
    link.addEventListener("click", function () { copy(address, link, "Link gekopieerd"); });
    bar.appendChild(link);
    var panels = [];

    if (wrapper) {
      var cite = button("Citeer", "Citeer " + label);
      var panel = el("div", "share-panel share-cite");
      var texts = citations(wrapper);
      copyBlock(panel, "Bronvermelding", texts.plain, "Bronvermelding gekopieerd");
      copyBlock(panel, "CSL-JSON", texts.csl, "CSL-JSON gekopieerd");
      copyBlock(panel, "BibTeX", texts.bibtex, "BibTeX gekopieerd");
      toggle(cite, panel);
      bar.appendChild(cite);
      panels.push(panel);
    }
    if (target.dataset.embedPath) {
      var embed = button("Insluiten", "Insluiten: " + label);
      var embedPanel = el("div", "share-panel share-embed");
      var code = '<iframe src="' + siteUrl(target.dataset.embedPath) + '" title="' +
        label.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;") +
        '" width="100%" height="520" style="border:0" loading="lazy"></iframe>';
      copyBlock(embedPanel, "Code om deze grafiek op een eigen site te plaatsen", code, "Code gekopieerd");
      toggle(embed, embedPanel);
      bar.appendChild(embed);
      panels.push(embedPanel);
    }
    if (target.tagName === "FIGURE") {
      var caption = target.querySelector("figcaption");
      target.insertBefore(bar, caption);
    } else {
      target.insertAdjacentElement("afterend", bar);
    }
    var after = bar;
    panels.forEach(function (p) { after.insertAdjacentElement("afterend", p); after = p; });
  }

  // --- print: the page's title at the top of every printed page (main.html) ----------

  function cssString(text) {
    return '"' + text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/</g, "\\3c ")
      .replace(/[\r\n]+/g, " ") + '"';
  }

  function printHeader() {
    var style = document.getElementById("print-header");
    var site = document.querySelector('meta[property="og:site_name"]');
    if (!style) return;
    // Instant navigation keeps the head: take the title of the page now shown
    // ("Tynaarlo: Prestatieafspraken 2023 - <site name>"), without the site name.
    var suffix = site ? " - " + site.content : "";
    var title = document.title;
    if (suffix && title.slice(-suffix.length) === suffix) title = title.slice(0, -suffix.length);
    style.textContent = style.textContent.replace(/@top-left \{ content: "(?:[^"\\]|\\.)*"/,
      "@top-left { content: " + cssString(title));
  }

  document$.subscribe(function () {
    printHeader();
    document.querySelectorAll("article .commitment-title[id], article .data-table-title[id], article .chart-figure[id]")
      .forEach(addTools);
  });
})();
