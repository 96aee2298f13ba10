/* Under every figure of a page, a link that downloads the figure's data as CSV, built from the figure itself
   when clicked (nothing is stored twice in the page, nothing is requested). One row per drawn point: the
   series (trace name), x, y, the value (a heatmap cell, a bar's size is its x or y), and the hover text.
   Background layers (hoverinfo "skip": grey countries) are left out; a filled shape (a region) gives one row,
   its name and hover text, not its outline's vertices. A sankey gives one row per link. A text a spreadsheet
   would take for a formula starts with '. A figure of panels (small multiples, each with its own vertical axis)
   adds a last column, the vertical axis of each row's panel, and heads its x column with the first titled x axis.
   window.cxFigureCsv(div) returns the CSV (the browser tests read it). */
(function () {
  "use strict";
  function plain(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "number" && !isFinite(value)) return "";
    var text = String(value).replace(/<br\s*\/?>/gi, " ").replace(/<[^>]+>/g, "")
      .replace(/^(\d{4}-\d{2}-\d{2})[T ]00:00:00(\.0+)?$/, "$1");   // a date drawn at midnight: the date
    if (/^[=+@]/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function list(values) {   // an array, a typed array (plotly decodes binary arrays into those), or nothing
    return values === null || values === undefined || typeof values !== "object" ? [] : Array.from(values);
  }
  function at(values, i) {
    if (values === null || values === undefined) return "";
    return Array.isArray(values) || ArrayBuffer.isView(values) ? values[i] : values;
  }
  function titleOf(axis) {
    var title = axis && axis.title;
    return (title && (title.text || (typeof title === "string" ? title : ""))) || "";
  }
  function rowsOf(trace) {
    var name = trace.name || trace.type || "";
    var rows = [];
    if (trace.hoverinfo === "skip") return rows;
    if (trace.type === "heatmap") {
      list(trace.z).forEach(function (line, i) {
        list(line).forEach(function (value, j) {
          rows.push([name, at(trace.x, j), at(trace.y, i), value, at(at(trace.customdata, i), j)]);
        });
      });
    } else if (trace.type === "sankey") {
      var labels = (trace.node && trace.node.label) || [], link = trace.link || {};
      list(link.value).forEach(function (value, k) {
        rows.push([name, labels[at(link.source, k)], labels[at(link.target, k)], value, at(link.label, k)]);
      });
    } else if (trace.fill && trace.fill !== "none") {
      rows.push([name, "", "", "", at(trace.text, 0)]);
    } else {
      var n = Math.max(list(trace.x).length, list(trace.y).length);
      for (var k = 0; k < n; k++) {
        var x = at(trace.x, k), y = at(trace.y, k);
        if ((x === null || x === undefined) && (y === null || y === undefined)) continue;   // a line's break
        var value = trace.type === "bar" ? (trace.orientation === "h" ? x : y) : "";
        rows.push([name, x, y, value, at(trace.text, k)]);
      }
    }
    return rows;
  }
  function axisKey(ref) {   // a trace's axis reference ("y3") as its layout key ("yaxis3")
    return ref.charAt(0) + "axis" + ref.slice(1);
  }
  function figureCsv(div) {
    var layout = div.layout || {};
    // the traces as plotly drew them (_fullData: binary arrays decoded, defaults filled), else as given
    var traces = div._fullData || div.data || [];
    var panels = {};
    traces.forEach(function (trace) { if (trace.hoverinfo !== "skip") panels[trace.yaxis || "y"] = 1; });
    var multi = Object.keys(panels).length > 1;
    var xTitle = titleOf(layout.xaxis);
    if (multi && !xTitle) {
      Object.keys(layout).sort().forEach(function (key) {
        if (!xTitle && /^xaxis\d*$/.test(key)) xTitle = titleOf(layout[key]);
      });
    }
    var header = ["Series", xTitle || "x", multi ? "y" : (titleOf(layout.yaxis) || "y"), "Value", "Text"];
    var rows = [multi ? header.concat(["Vertical axis"]) : header];
    traces.forEach(function (trace) {
      var axis = titleOf(layout[axisKey(trace.yaxis || "y")]);
      rowsOf(trace).forEach(function (row) { rows.push(multi ? row.concat([axis]) : row); });
    });
    return rows.map(function (row) { return row.map(plain).join(","); }).join("\n") + "\n";
  }
  function fileName(div) {
    var title = titleOf({title: (div.layout || {}).title}) || "figure";
    var slug = title.replace(/<[^>]+>/g, " ").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return (slug.slice(0, 60).replace(/-+$/, "") || "figure") + ".csv";
  }
  window.cxFigureCsv = figureCsv;
  Array.prototype.forEach.call(document.querySelectorAll(".plotly-graph-div"), function (div) {
    var link = document.createElement("a");
    link.className = "cx-download cx-figure-download";
    link.textContent = "Download this figure's data (CSV)";
    link.href = "#";
    link.addEventListener("click", function () {
      link.download = fileName(div);
      link.href = "data:text/csv;charset=utf-8," + encodeURIComponent("\ufeff" + figureCsv(div));
    });
    var holder = document.createElement("p");
    holder.className = "cx-figure-data";
    holder.appendChild(link);
    div.parentNode.insertBefore(holder, div.nextSibling);
  });
})();
