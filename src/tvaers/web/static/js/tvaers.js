// Tværs: charts from Vega-Lite specs embedded as JSON (no inline scripts, CSP-friendly),
// the DKFDS components, and htmx's CSRF header.
(function () {
  "use strict";
  function drawCharts(scope) {
    scope.querySelectorAll("[data-chart]").forEach(function (holder) {
      var source = document.getElementById(holder.getAttribute("data-chart"));
      if (!source || holder.dataset.drawn) { return; }
      holder.dataset.drawn = "1";
      var spec = JSON.parse(source.textContent);
      var options = { actions: false, renderer: "svg" };
      if (window.vega && window.vega.expressionInterpreter) {
        options.ast = true;
        options.expr = window.vega.expressionInterpreter;
      }
      window.vegaEmbed(holder, spec, options).then(function (result) {
        var svg = holder.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", holder.getAttribute("aria-label") || spec.title || "");
        }
        return result;
      }).catch(function (error) { holder.textContent = "Diagrammet kunne ikke vises: " + error; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (window.DKFDS) { window.DKFDS.init(); }
    drawCharts(document);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta) { event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
  });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
})();
