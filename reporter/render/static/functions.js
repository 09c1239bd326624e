/* Every function of a cProfile summary in one table: sortable by any column, filtered by name
 * or file, the standard library hideable. Rows come as compact arrays (see views.function_rows)
 * and only the first rows of the current order are drawn, so 10,000 functions stay fast.
 * Figures are formatted as reporter/render/format.py formats them. Data is set as text. */
(function () {
  "use strict";

  var SHOWN = 200;
  var NAME = 0, FILE = 1, LINE = 2, CALLS = 3, PRIMITIVE = 4, OWN = 5, CUM = 6, LIBRARY = 7;
  var COLUMNS = [
    {label: "function", key: function (r) { return r.name; }, text: true},
    {label: "where", key: function (r) { return r.where; }, text: true},
    {label: "calls", key: function (r) { return r.row[CALLS]; }},
    {label: "own", key: function (r) { return r.row[OWN]; }},
    {label: "own %", key: function (r) { return r.row[OWN]; }},
    {label: "own per call", key: function (r) { return r.ownPerCall; }},
    {label: "cumulative", key: function (r) { return r.row[CUM]; }},
    {label: "cum. %", key: function (r) { return r.row[CUM]; }},
    {label: "cum. per call", key: function (r) { return r.cumPerCall; }},
  ];

  var seconds = ReporterFormat.seconds, count = ReporterFormat.count;  // format.js
  var percent = ReporterFormat.percent;

  function FunctionTable(box) {
    var data = JSON.parse(box.querySelector("script.function-data").textContent);
    this.box = box;
    this.total = data.total;
    this.rows = data.rows.map(function (row) {
      var file = data.strings[row[FILE]];
      return {
        row: row, name: data.strings[row[NAME]],
        where: file ? file + (row[LINE] ? ":" + row[LINE] : "") : "built-in",
        search: (data.strings[row[NAME]] + " " + file).toLowerCase(),
        // per call as pstats gives it: own over all calls, cumulative over primitive calls
        ownPerCall: row[CALLS] ? row[OWN] / row[CALLS] : 0,
        cumPerCall: row[PRIMITIVE] ? row[CUM] / row[PRIMITIVE] : 0,
      };
    });
    this.sortBy = 6;
    this.descending = true;
    this.query = "";
    this.hideLibrary = false;
    this.body = box.querySelector("tbody");
    this.status = box.querySelector(".function-status");
    this.bind();
    this.order();
  }

  FunctionTable.prototype.bind = function () {
    var self = this;
    var head = this.box.querySelector("thead tr");
    COLUMNS.forEach(function (column, i) {
      var th = document.createElement("th");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = column.label;
      button.addEventListener("click", function () { self.sort(i); });
      th.appendChild(button);
      head.appendChild(th);
    });
    this.box.querySelector(".function-filter").addEventListener("input", function (event) {
      self.query = event.target.value.trim().toLowerCase();
      self.draw();
    });
    this.box.querySelector(".function-library").addEventListener("change", function (event) {
      self.hideLibrary = event.target.checked;
      self.draw();
    });
  };

  FunctionTable.prototype.sort = function (i) {
    this.descending = this.sortBy === i ? !this.descending : !COLUMNS[i].text;
    this.sortBy = i;
    this.order();
  };

  FunctionTable.prototype.order = function () {
    var key = COLUMNS[this.sortBy].key, sign = this.descending ? -1 : 1;
    this.rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      return x < y ? -sign : x > y ? sign : 0;
    });
    var heads = this.box.querySelectorAll("thead th");
    for (var i = 0; i < heads.length; i++) {
      heads[i].setAttribute("aria-sort", i === this.sortBy
        ? (this.descending ? "descending" : "ascending") : "none");
    }
    this.draw();
  };

  FunctionTable.prototype.draw = function () {
    var query = this.query, hide = this.hideLibrary;
    var kept = this.rows.filter(function (r) {
      return (!hide || !r.row[LIBRARY]) && (!query || r.search.indexOf(query) >= 0);
    });
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < Math.min(kept.length, SHOWN); i++) {
      var r = kept[i], row = r.row;
      var calls = row[CALLS] === row[PRIMITIVE] ? count(row[CALLS])
                                                : count(row[CALLS]) + "/" + count(row[PRIMITIVE]);
      var cells = [r.name, r.where, calls, seconds(row[OWN]), percent(row[OWN], this.total),
                   seconds(r.ownPerCall), seconds(row[CUM]), percent(row[CUM], this.total),
                   seconds(r.cumPerCall)];
      var tr = document.createElement("tr");
      cells.forEach(function (text, j) {
        var td = document.createElement("td");
        if (j < 2) td.className = "name";
        td.textContent = text;
        tr.appendChild(td);
      });
      fragment.appendChild(tr);
    }
    this.body.replaceChildren(fragment);
    this.status.textContent = count(kept.length) + " of " + count(this.rows.length) +
      " functions" + (kept.length > SHOWN ? "; the first " + SHOWN + " in this order shown" : "");
  };

  function start() {
    var boxes = document.querySelectorAll(".function-table");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].classList.add("live");
      boxes[i].functionTable = new FunctionTable(boxes[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
