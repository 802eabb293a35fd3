// Draws the dashboard charts from the JSON embedded in the page. The
// tables beside the charts hold the same figures for screen readers and
// for readers who prefer numbers.
(function () {
  "use strict";

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Axis numbers follow the page's language, not the browser's.
  var locale = document.documentElement.lang || "es";

  var aging = readData("aging-data");
  var agingCanvas = document.getElementById("aging-chart");
  if (aging && agingCanvas && window.Chart) {
    new window.Chart(agingCanvas, {
      type: "bar",
      data: {
        labels: aging.labels,
        datasets: [{ label: aging.title, data: aging.amounts.map(Number), backgroundColor: "#1f5fae" }]
      },
      options: { locale: locale, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } }
    });
  }

  var trend = readData("trend-data");
  var trendCanvas = document.getElementById("trend-chart");
  if (trend && trendCanvas && window.Chart) {
    new window.Chart(trendCanvas, {
      type: "line",
      data: {
        labels: trend.dates,
        datasets: [
          { label: trend.label_open, data: trend.cases_open, borderColor: "#1f5fae" },
          { label: trend.label_problem, data: trend.problem_cases, borderColor: "#a4262c" }
        ]
      },
      // Case counts are whole numbers, so the axis has no fractional ticks.
      options: { locale: locale, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }

  var firms = readData("firm-data");
  var firmCanvas = document.getElementById("firm-chart");
  if (firms && firmCanvas && window.Chart) {
    new window.Chart(firmCanvas, {
      type: "bar",
      data: { labels: firms.labels, datasets: [{ label: firms.title, data: firms.rates.map(Number), backgroundColor: "#1f5fae" }] },
      // Recovery rates are percents of the referred balances.
      options: { locale: locale, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, suggestedMax: 100 } } }
    });
  }
})();
