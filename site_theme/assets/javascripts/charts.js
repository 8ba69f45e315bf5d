/* Draws every chart on the page with plotly.js, served by this site itself.
 * The figure JSON sits next to each chart container (written by the generator).
 * Runs on every page change through Material's document$ (instant navigation
 * swaps pages without a load event); plotly.js is fetched only on pages that
 * have a chart. Redraws when the reader switches between light and dark. */
(function () {
  "use strict";
  // Next to this file; resolved now, because instant navigation changes the page URL.
  var plotlyUrl = new URL("plotly-basic.min.js", document.currentScript.src).href;
  var loading = null;

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

  function themed(layout) {
    var style = getComputedStyle(document.body);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var grid = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    var copy = JSON.parse(JSON.stringify(layout));
    copy.font = Object.assign({}, copy.font, { color: fg, family: style.fontFamily });
    ["xaxis", "yaxis"].forEach(function (axis) {
      copy[axis] = Object.assign({}, copy[axis], { gridcolor: grid, linecolor: grid, zerolinecolor: grid });
    });
    return copy;
  }

  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtons: [["toImage"]],
    toImageButtonOptions: { format: "png", scale: 2 },
  };

  function draw(Plotly) {
    document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      Plotly.react(element, figure.data, themed(figure.layout), config);
      // The chart is aria-hidden (its figures are in the table): its PNG button
      // must not take keyboard focus either (axe: aria-hidden-focus; Material's
      // search dialog used to make axe report this as "incomplete" only).
      element.querySelectorAll("button, a[href]").forEach(function (b) { b.tabIndex = -1; });
      element.classList.add("chart--drawn");
    });
  }

  function drawAll() {
    if (!document.querySelector(".chart[data-chart]")) return;
    loadPlotly().then(draw).catch(function (error) {
      console.warn("grafieken konden niet worden getekend", error);
    });
  }

  document$.subscribe(drawAll);
  new MutationObserver(drawAll).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"],
  });
})();
