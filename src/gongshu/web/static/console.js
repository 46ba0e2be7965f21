/* gongshu console: draws the home page chart from the JSON embedded in the page (no inline script). */
(function () {
  "use strict";
  function drawDomainChart() {
    var el = document.getElementById("domain-chart");
    var data = document.getElementById("domain-chart-data");
    if (!el || !data || typeof echarts === "undefined") { return; }
    var chart = JSON.parse(data.textContent);
    var instance = echarts.init(el, null, { renderer: "canvas" });
    instance.setOption({
      color: ["#1f5fa8"],
      grid: { left: 48, right: 24, top: 24, bottom: 72 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      xAxis: { type: "category", data: chart.labels, axisLabel: { interval: 0, rotate: chart.labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: chart.series, type: "bar", data: chart.values, barMaxWidth: 48,
                 label: { show: true, position: "top" } }]
    });
    window.addEventListener("resize", function () { instance.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawDomainChart);
  } else {
    drawDomainChart();
  }
})();
