/* Draws every chart on the page with plotly.js, served by this site itself.
 * The figure JSON is in each chart container's data-figure attribute (written by
 * the generator); not in a <script> block, because Material's instant navigation
 * re-inserts every script of the new page and runs it as JavaScript.
 * Runs on every page change through Material's document$ (instant navigation
 * swaps pages without a load event); plotly.js is fetched only on pages that
 * have a chart. One chart that fails to draw never stops the others.
 * Redraws when the reader switches between light and dark, fits narrow screens
 * (title wrapped, legend under the axis labels) and fits the page when printing. */
(function () {
  "use strict";
  // Next to this file; resolved now, because instant navigation changes the page URL.
  var plotlyUrl = new URL("plotly-basic.min.js", document.currentScript.src).href;
  var loading = null;
  var PRINT_WIDTH = 640; // px: an A4 page in portrait, less the print margins
  var printing = false;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlyUrl;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  /* Break a title (already entity-escaped by the generator) into lines of at most
   * `max` characters at spaces, so a narrow chart shows it whole. */
  function wrap(text, max) {
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  function fitted(layout, width, traces, height) {
    var style = getComputedStyle(document.body);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var grid = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    var copy = JSON.parse(JSON.stringify(layout));
    copy.font = Object.assign({}, copy.font, { color: fg, family: style.fontFamily });
    ["xaxis", "yaxis"].forEach(function (axis) {
      copy[axis] = Object.assign({}, copy[axis], { gridcolor: grid, linecolor: grid, zerolinecolor: grid });
    });
    if (printing) {
      copy.width = PRINT_WIDTH;
      copy.font.color = "#000";
    }
    var narrow = (printing ? PRINT_WIDTH : width) < 600;
    // On paper the caption under the chart and the heading above it name the chart:
    // its own title would be the third time.
    if (printing && copy.title) copy.title = Object.assign({}, copy.title, { text: "" });
    if (copy.title && copy.title.text) {
      var size = narrow ? 13 : 15;
      var lines = wrap(copy.title.text, Math.max(20, Math.floor(((printing ? PRINT_WIDTH : width) - 24) / (size * 0.55))));
      copy.title = Object.assign({}, copy.title, { text: lines.join("<br>"), font: { size: size } });
      copy.margin = Object.assign({}, copy.margin, { t: 24 + lines.length * (size + 6) });
    }
    // The legend sits at the bottom of the figure, below the axis labels (which
    // may be turned vertical on a narrow chart) instead of at a fixed distance
    // under the axis, where long labels ran into it.
    copy.legend = Object.assign({}, copy.legend, {
      orientation: "h", x: 0, xanchor: "left", y: 0, yanchor: "bottom", yref: "container",
    });
    copy.margin = Object.assign({}, copy.margin, { l: narrow ? 48 : 64, r: 8 });
    // On a narrow chart the legend takes a line per series: make room for it
    // instead of squeezing the plot.
    if (narrow && copy.showlegend !== false && traces > 1) copy.height = 340 + 22 * traces;
    // Always a height in pixels, never "100% of the container": the container then
    // takes the chart's height in every medium, so on paper the caption comes under
    // the chart, not on top of it, and the page breaks around the whole chart.
    if (!copy.height) copy.height = height;
    if (printing) copy.margin = Object.assign({}, copy.margin, { t: 16 });
    return copy;
  }

  var config = { displayModeBar: false, responsive: true };

  function figureOf(element) {
    if (!element._figure) element._figure = JSON.parse(element.dataset.figure);
    return element._figure;
  }

  function drawOne(Plotly, element) {
    try {
      var figure = figureOf(element);
      var width = element.clientWidth || element.parentNode.clientWidth;
      var height = parseFloat(getComputedStyle(element).minHeight) || 360;
      var shown = Plotly.react(element, figure.data, fitted(figure.layout, width, figure.data.length, height),
                               config);
      element.classList.add("chart--drawn");
      addDownload(Plotly, element);
      return shown;
    } catch (error) {
      element.classList.add("chart--failed");
      console.warn("grafiek kon niet worden getekend", error);
    }
  }

  /* A real button under the chart (keyboard and touch) instead of plotly's hover
   * toolbar: saves the chart as a PNG image. */
  function addDownload(Plotly, element) {
    var figure = element.closest("figure");
    if (!figure || figure.querySelector(".chart-download")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button chart-download";
    button.textContent = "Grafiek opslaan als afbeelding (PNG)";
    button.addEventListener("click", function () {
      Plotly.downloadImage(element, { format: "png", scale: 2, width: 960, height: 540,
                                      filename: figure.id });
    });
    figure.querySelector("figcaption").insertAdjacentElement("beforebegin", button);
  }

  function charts() {
    return document.querySelectorAll(".chart[data-figure]");
  }

  function drawAll() {
    if (!charts().length) return;
    loadPlotly().then(function (Plotly) {
      charts().forEach(function (element) { drawOne(Plotly, element); });
    }).catch(function (error) {
      console.warn("grafieken konden niet worden getekend", error);
    });
  }

  function setPrinting(value) {
    if (printing === value) return;
    printing = value;
    if (window.Plotly) charts().forEach(function (element) { drawOne(window.Plotly, element); });
  }

  document$.subscribe(drawAll);
  new MutationObserver(drawAll).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"],
  });
  // Narrow screens get a different layout, not only a smaller one.
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { if (!printing) drawAll(); }, 150);
  });
  window.addEventListener("beforeprint", function () { setPrinting(true); });
  window.addEventListener("afterprint", function () { setPrinting(false); });
  window.matchMedia("print").addEventListener("change", function (event) {
    setPrinting(event.matches);
  });
})();
