/* The page's one formatter, with the rules of reporter/render/format.py, so a figure reads
 * alike in a table drawn in Python and in one drawn here. Shared by flamegraph.js and
 * functions.js, inlined before them. */
var ReporterFormat = (function () {
  "use strict";

  function seconds(value) {
    if (value === 0) return "0 s";
    if (value >= 1) return value.toFixed(2) + " s";
    if (value >= 1e-3) return (value * 1e3).toFixed(1) + " ms";
    if (value >= 1e-6) return (value * 1e6).toFixed(1) + " µs";
    return (value * 1e9).toFixed(1) + " ns";
  }

  function size(value) {
    var units = ["B", "KiB", "MiB", "GiB"], i = 0;
    while (Math.abs(value) >= 1024 && i < units.length - 1) { value /= 1024; i++; }
    return (i ? value.toFixed(1) : value.toFixed(0)) + " " + units[i];
  }

  function count(value) { return Math.round(value).toLocaleString("en"); }

  function percent(part, whole) { return whole ? (100 * part / whole).toFixed(1) + "%" : "–"; }

  /* A value in the unit of its graph: seconds, bytes, or a count of something. */
  function value(amount, unit) {
    if (unit === "seconds") return seconds(amount);
    if (unit === "bytes") return size(amount);
    return count(amount) + " " + unit;
  }

  return {seconds: seconds, size: size, count: count, percent: percent, value: value};
})();
