/* Flame graphs for the report: vanilla JS and SVG, no libraries, nothing from the network.
 *
 * Every <figure class="flamegraph"> on the page holds its tree as JSON in a
 * <script type="application/json"> child: {unit, strings, nodes, diff}, nodes in preorder as
 * [nameIndex, fileIndex, line, value, selfValue, depth] and, in a comparison (diff), the
 * frame's change against the base run (null: the base had no such frame). Text from the data
 * is only ever set with textContent or setAttribute, never parsed as HTML.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var ROW = 18;           // px per frame row
  var MIN_WIDTH = 2;      // px: narrower siblings are merged into one "other" block
  var CHAR_WIDTH = 7;     // px, for deciding how much of a label fits

  function decode(data) {
    var nodes = data.nodes, strings = data.strings, stack = [], root = null;
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      var node = {name: strings[n[0]], file: strings[n[1]], line: n[2], value: n[3],
                  self: n[4], children: [], parent: null, depth: n[5], delta: n[6]};
      stack.length = n[5];
      if (stack.length) {
        node.parent = stack[stack.length - 1];
        node.parent.children.push(node);
      } else {
        root = node;
      }
      stack.push(node);
    }
    return root;
  }

  var format = ReporterFormat.value, percent = ReporterFormat.percent;  // format.js

  function hue(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
    return h;
  }

  /* Comparison: red for frames that grew, blue for those that shrank, as deep as the change
   * is large against the frame's own base value (doubled or halved: full colour); purple for
   * frames the base run did not have. */
  function diffColour(node) {
    if (node.delta === null) return "hsl(280, 55%, 70%)";
    var base = node.value - (node.delta || 0);
    var r = base > 0 ? Math.min(Math.abs(node.delta || 0) / base, 1) : 1;
    return node.delta > 0 ? "hsl(0, 80%, " + (96 - 41 * r) + "%)"
                          : "hsl(215, 80%, " + (96 - 41 * r) + "%)";
  }

  function colour(node, unit) {
    var h = hue(node.file + node.name);
    if (node.name.charAt(0) === "[") return "hsl(210, 10%, " + (70 + h % 15) + "%)";
    if (unit === "seconds") return "hsl(" + (10 + h % 40) + ", 85%, " + (58 + h % 14) + "%)";
    return "hsl(" + (190 + h % 50) + ", 60%, " + (60 + h % 14) + "%)";
  }

  function where(node) {
    if (!node.file) return node.name.charAt(0) === "[" ? "" : "built-in";
    return node.line ? node.file + ":" + node.line : node.file;
  }

  function FlameGraph(figure) {
    var data = JSON.parse(figure.querySelector("script.flame-data").textContent);
    this.figure = figure;
    this.unit = data.unit;
    this.diff = !!data.diff;
    this.root = decode(data);
    this.zoomed = this.root;
    this.icicle = false;
    this.query = "";
    this.holder = figure.querySelector(".flame-canvas");
    this.tooltip = figure.querySelector(".flame-tooltip");
    this.status = figure.querySelector(".flame-status");
    this.drawn = [];
    this.bind();
    this.render();
  }

  FlameGraph.prototype.bind = function () {
    var self = this;
    var search = this.figure.querySelector(".flame-search");
    search.addEventListener("input", function () { self.search(search.value); });
    this.figure.querySelector(".flame-reset").addEventListener("click", function () {
      self.zoom(self.root);
    });
    var flip = this.figure.querySelector(".flame-flip");
    flip.addEventListener("click", function () {
      self.icicle = !self.icicle;
      flip.setAttribute("aria-pressed", String(self.icicle));
      self.render();
    });
    this.holder.addEventListener("keydown", function (event) { self.key(event); });
    this.holder.addEventListener("click", function (event) {
      var node = self.nodeAt(event);
      if (node) self.zoom(node.other ? node.parent : node);
    });
    this.holder.addEventListener("mousemove", function (event) {
      var node = self.nodeAt(event);
      if (node) self.showTooltip(node, event); else self.tooltip.hidden = true;
    });
    this.holder.addEventListener("mouseleave", function () { self.tooltip.hidden = true; });
    window.addEventListener("resize", function () { self.render(); });
  };

  /* The keyboard: a cursor frame moves with the arrows (towards the leaves or the root as
   * drawn, and between siblings), Enter or Space zooms into it, Escape zooms back out. */
  FlameGraph.prototype.key = function (event) {
    var node = this.cursor || this.zoomed, next = null, up = this.icicle ? -1 : 1;
    var siblings = node.parent ? node.parent.children : [node];
    var at = siblings.indexOf(node);
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      var deeper = (event.key === "ArrowUp") === (up === 1);
      next = deeper ? node.children[0] || null : node.parent;
    } else if (event.key === "ArrowLeft") {
      next = siblings[at - 1] || null;
    } else if (event.key === "ArrowRight") {
      next = siblings[at + 1] || null;
    } else if (event.key === "Enter" || event.key === " ") {
      this.zoom(node);
    } else if (event.key === "Escape") {
      this.zoom(this.zoomed.parent || this.root);
    } else {
      return;
    }
    event.preventDefault();
    if (next) {
      this.cursor = next;
      this.render();
    }
  };

  FlameGraph.prototype.nodeAt = function (event) {
    var g = event.target.closest ? event.target.closest("g[data-i]") : null;
    return g ? this.drawn[+g.getAttribute("data-i")] : null;
  };

  FlameGraph.prototype.zoom = function (node) {
    this.zoomed = node;
    this.cursor = this.cursor && node !== this.root ? node : this.cursor;
    this.render();
  };

  /* Lay out what is visible: the zoomed frame at full width, its ancestors as full-width rows,
   * its descendants scaled to it; siblings too narrow to see become one "other" block. */
  FlameGraph.prototype.layout = function (width) {
    var boxes = [], ancestors = [], n = this.zoomed.parent;
    while (n) { ancestors.unshift(n); n = n.parent; }
    ancestors.forEach(function (a, row) {
      boxes.push({node: a, x: 0, w: width, row: row, ancestor: true});
    });
    var scale = this.zoomed.value > 0 ? width / this.zoomed.value : 0;
    var pending = [{node: this.zoomed, x: 0, row: ancestors.length}];
    while (pending.length) {
      var item = pending.pop(), node = item.node, w = node.value * scale;
      boxes.push({node: node, x: item.x, w: w, row: item.row});
      var x = item.x, small = 0, hidden = 0;
      for (var i = 0; i < node.children.length; i++) {
        var child = node.children[i], cw = child.value * scale;
        if (cw < MIN_WIDTH) { small += child.value; hidden++; continue; }
        pending.push({node: child, x: x, row: item.row + 1});
        x += cw;
      }
      if (hidden && small * scale >= 0.5) {
        boxes.push({node: {name: "[" + hidden + " frames too narrow to show]", file: "",
                           line: 0, value: small, self: small, children: [], parent: node,
                           other: true},
                    x: x, w: small * scale, row: item.row + 1});
      }
    }
    return boxes;
  };

  FlameGraph.prototype.render = function () {
    var width = Math.max(this.holder.clientWidth, 300);
    var boxes = this.layout(width);
    var rows = 0;
    boxes.forEach(function (b) { rows = Math.max(rows, b.row + 1); });
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", rows * ROW);
    svg.setAttribute("class", "flame-svg");
    this.drawn = [];
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i], node = b.node;
      var y = this.icicle ? b.row * ROW : (rows - 1 - b.row) * ROW;
      var g = document.createElementNS(SVG, "g");
      g.setAttribute("data-i", this.drawn.length);
      g.setAttribute("data-name", node.name);
      g.setAttribute("class", "frame" + (b.ancestor ? " ancestor" : "") +
                     (node.other ? " other" : "") + (this.matches(node) ? " match" : "") +
                     (node === this.cursor ? " cursor" : ""));
      var rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", b.x.toFixed(2));
      rect.setAttribute("y", y);
      rect.setAttribute("width", Math.max(b.w - 0.5, 0.5).toFixed(2));
      rect.setAttribute("height", ROW - 1);
      rect.setAttribute("fill", this.diff && !node.other ? diffColour(node)
                                                        : colour(node, this.unit));
      g.appendChild(rect);
      var fits = Math.floor((b.w - 6) / CHAR_WIDTH);
      if (fits >= 3) {
        var text = document.createElementNS(SVG, "text");
        text.setAttribute("x", (b.x + 3).toFixed(2));
        text.setAttribute("y", y + ROW - 5);
        text.textContent = node.name.length > fits ? node.name.slice(0, fits - 1) + "…" : node.name;
        g.appendChild(text);
      }
      fragment.appendChild(g);
      this.drawn.push(node);
    }
    svg.appendChild(fragment);
    this.holder.replaceChildren(svg);
    this.figure.querySelector(".flame-reset").disabled = this.zoomed === this.root;
    this.showStatus();
  };

  FlameGraph.prototype.matches = function (node) {
    if (!this.query || node.other) return false;
    return node.name.toLowerCase().indexOf(this.query) >= 0 ||
           node.file.toLowerCase().indexOf(this.query) >= 0;
  };

  FlameGraph.prototype.search = function (text) {
    this.query = text.trim().toLowerCase();
    this.render();
  };

  /* The share of matching frames, each counted once: a match inside a match adds nothing. */
  FlameGraph.prototype.matchedValue = function () {
    var total = 0, count = 0, pending = [this.root];
    while (pending.length) {
      var node = pending.pop();
      if (this.matches(node)) { total += node.value; count++; continue; }
      for (var i = 0; i < node.children.length; i++) pending.push(node.children[i]);
    }
    return {value: total, count: count};
  };

  FlameGraph.prototype.showStatus = function () {
    var parts = [];
    if (this.cursor) {
      parts.push(this.cursor.name + " (" + where(this.cursor) + "): " +
                 format(this.cursor.value, this.unit) + ", " +
                 percent(this.cursor.value, this.root.value) + " of all");
    }
    if (this.zoomed !== this.root) {
      parts.push("zoomed into " + this.zoomed.name + ": " + format(this.zoomed.value, this.unit) +
                 ", " + percent(this.zoomed.value, this.root.value) + " of all");
    }
    if (this.query) {
      var m = this.matchedValue();
      parts.push(m.count ? "“" + this.query + "” matches " + format(m.value, this.unit) + ", " +
                           percent(m.value, this.root.value) + " of the total"
                         : "“" + this.query + "” matches nothing");
    }
    this.status.textContent = parts.join(" · ");
    this.showSource(this.cursor || (this.zoomed !== this.root ? this.zoomed : null));
  };

  /* A link from the frame under the cursor (or zoomed into) to its line in the annotated
   * source, where the page has one. */
  FlameGraph.prototype.showSource = function (node) {
    var link = this.figure.querySelector(".flame-source");
    var line = node && !node.other ? SOURCE_LINES[where(node)] : null;
    if (!link) return;
    link.hidden = !line;
    if (line) {
      link.setAttribute("href", "#" + line.id);
      link.textContent = "line " + node.line + " in the source";
    }
  };

  FlameGraph.prototype.showTooltip = function (node, event) {
    var lines = [
      node.name,
      where(node),
      "total " + format(node.value, this.unit) + " (" + percent(node.value, this.root.value) +
        " of all, " + percent(node.value, this.zoomed.value) + " of the zoomed frame)",
      "self " + format(node.self, this.unit) + " (" + percent(node.self, this.root.value) + ")",
    ];
    if (this.diff && !node.other) {
      lines.push(node.delta === null ? "new: the base run had no such frame"
        : "change " + (node.delta >= 0 ? "+" : "−") + format(Math.abs(node.delta), this.unit) +
          " against the base (" + format(node.value - node.delta, this.unit) + " there)");
    }
    this.tooltip.replaceChildren();
    for (var i = 0; i < lines.length; i++) {
      if (!lines[i]) continue;
      var div = document.createElement("div");
      div.textContent = lines[i];
      this.tooltip.appendChild(div);
    }
    var box = this.figure.getBoundingClientRect();
    this.tooltip.style.left = Math.min(event.clientX - box.left + 12, box.width - 320) + "px";
    this.tooltip.style.top = (event.clientY - box.top + 16) + "px";
    this.tooltip.hidden = false;
  };

  var SOURCE_LINES = {};  // "file:line" -> its line in the annotated source

  function start() {
    var lines = document.querySelectorAll(".src-line[data-at]");
    for (var j = 0; j < lines.length; j++) SOURCE_LINES[lines[j].getAttribute("data-at")] = lines[j];
    // And back: a function of the source highlights itself in the flame graphs it links to.
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("[data-flame-search]") : null;
      var section = link && document.querySelector(link.getAttribute("href"));
      if (!section) return;
      var graphs = section.querySelectorAll("figure.flamegraph");
      for (var k = 0; k < graphs.length; k++) {
        var box = graphs[k].querySelector(".flame-search");
        box.value = link.getAttribute("data-flame-search");
        graphs[k].flameGraph.search(box.value);
      }
    });
    var figures = document.querySelectorAll("figure.flamegraph");
    for (var i = 0; i < figures.length; i++) {
      figures[i].classList.add("live");
      // Without scripts the text tree is the graph, so it comes open; with them it folds away.
      var text = figures[i].querySelector("details.calltree-box");
      if (text) text.open = false;
      figures[i].flameGraph = new FlameGraph(figures[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
