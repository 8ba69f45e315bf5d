/* Draws the one chart of an embed page (generator/share.py: render_embeds), a page
 * without the site around it for an <iframe>; plotly.js is loaded before this file,
 * from this site. */
(function () {
  "use strict";
  var element = document.querySelector(".chart[data-figure]");
  if (!element || !window.Plotly) return;
  var figure = JSON.parse(element.dataset.figure);
  var layout = Object.assign({}, figure.layout, { autosize: true });
  layout.legend = Object.assign({}, layout.legend, {
    orientation: "h", x: 0, xanchor: "left", y: 0, yanchor: "bottom", yref: "container",
  });
  try {
    window.Plotly.newPlot(element, figure.data, layout, { displayModeBar: false, responsive: true });
    element.classList.add("chart--drawn");
  } catch (error) {
    element.classList.add("chart--failed");
  }
})();
