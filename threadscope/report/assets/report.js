/* threadscope report: draws the figures, runs the two tables, follows #floor-N links.
 * Every piece of thread text reaches the page through textContent or plotly's escaped labels:
 * nothing here builds HTML from data. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("ts-data").textContent);
  var PAGE_SIZE = DATA.pageSize || 50;
  var collator = new Intl.Collator("zh", { numeric: true, sensitivity: "base" });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  var toastTimer = null;
  function toast(message) {
    var box = document.getElementById("toast");
    box.textContent = message;
    box.style.display = "block";
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.style.display = "none"; }, 3500);
  }

  /* ---------------- tables ---------------- */

  function cellText(value) {
    if (value === null || value === undefined) { return ""; }
    if (Array.isArray(value)) { return value.join(" "); }
    return String(value);
  }

  function compare(a, b) {
    var an = a === null || a === undefined || a === "", bn = b === null || b === undefined || b === "";
    if (an || bn) { return an === bn ? 0 : (an ? 1 : -1); }
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    if (typeof a === "boolean") { return (a === b) ? 0 : (a ? -1 : 1); }
    return collator.compare(cellText(a), cellText(b));
  }

  function Table(root, spec, hooks) {
    this.root = root;
    this.columns = spec.columns;
    this.rows = spec.rows;
    this.rowId = spec.rowId || null;
    this.hooks = hooks || {};
    this.index = {};
    this.columns.forEach(function (c, i) { this.index[c.key] = i; }, this);
    this.haystack = this.rows.map(function (row) {
      return row.map(cellText).join("\u0001").toLowerCase();
    });
    this.query = "";
    this.exact = {};
    this.sortKey = spec.sortKey || this.columns[0].key;
    this.sortDir = spec.sortDir || 1;
    this.page = 0;
    this.view = [];
    this.build();
    this.refresh();
  }

  Table.prototype.build = function () {
    var self = this;
    var tools = el("div", { "class": "tbl-tools" });
    this.search = el("input", { type: "search", placeholder: "Filter: any text, name, floor…",
      "aria-label": "Filter " + this.root.id });
    this.search.addEventListener("input", function () {
      self.query = self.search.value.trim().toLowerCase();
      self.page = 0;
      self.refresh();
    });
    tools.appendChild(this.search);
    this.selects = {};
    this.columns.forEach(function (col) {
      if (col.type !== "tag") { return; }
      var values = {};
      var i = self.index[col.key];
      self.rows.forEach(function (r) { if (r[i] !== null && r[i] !== "") { values[r[i]] = true; } });
      var select = el("select", { "aria-label": col.label, "data-key": col.key });
      select.appendChild(el("option", { value: "" }, col.label + ": all"));
      Object.keys(values).sort().forEach(function (v) { select.appendChild(el("option", { value: v }, v)); });
      select.addEventListener("change", function () { self.setExact(col.key, select.value || null); });
      self.selects[col.key] = select;
      tools.appendChild(select);
    });
    this.chips = el("span");
    tools.appendChild(this.chips);
    this.count = el("span", { "class": "count" });
    tools.appendChild(this.count);
    var pager = el("span", { "class": "pager" });
    this.prev = el("button", { type: "button", "aria-label": "previous page" }, "‹");
    this.next = el("button", { type: "button", "aria-label": "next page" }, "›");
    this.pageLabel = el("span");
    this.prev.addEventListener("click", function () { self.page -= 1; self.render(); });
    this.next.addEventListener("click", function () { self.page += 1; self.render(); });
    pager.appendChild(this.prev);
    pager.appendChild(this.pageLabel);
    pager.appendChild(this.next);
    tools.appendChild(pager);
    this.root.appendChild(tools);

    var wrap = el("div", { "class": "tbl-wrap" });
    var table = el("table", { "class": "data" });
    var head = el("tr");
    this.headers = {};
    this.columns.forEach(function (col) {
      var th = el("th", { scope: "col" });
      var button = el("button", { type: "button", title: col.title || "" }, col.label);
      button.addEventListener("click", function () {
        if (self.sortKey === col.key) { self.sortDir = -self.sortDir; } else {
          self.sortKey = col.key;
          self.sortDir = (col.type === "num" || col.type === "int") ? -1 : 1;
        }
        self.page = 0;
        self.refresh();
      });
      th.appendChild(button);
      head.appendChild(th);
      self.headers[col.key] = th;
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    this.body = el("tbody");
    table.appendChild(this.body);
    wrap.appendChild(table);
    this.root.appendChild(wrap);
  };

  Table.prototype.setExact = function (key, value) {
    if (value === null || value === undefined) { delete this.exact[key]; } else { this.exact[key] = value; }
    if (this.selects[key]) { this.selects[key].value = value === null || value === undefined ? "" : value; }
    this.page = 0;
    this.refresh();
  };

  Table.prototype.clearFilters = function () {
    this.query = "";
    this.search.value = "";
    this.exact = {};
    Object.keys(this.selects).forEach(function (k) { this.selects[k].value = ""; }, this);
    this.refresh();
  };

  Table.prototype.refresh = function () {
    var self = this, q = this.query, keys = Object.keys(this.exact);
    var view = [];
    for (var r = 0; r < this.rows.length; r++) {
      if (q && this.haystack[r].indexOf(q) < 0) { continue; }
      var ok = true;
      for (var k = 0; k < keys.length; k++) {
        var v = this.rows[r][this.index[keys[k]]];
        if (String(v) !== String(this.exact[keys[k]])) { ok = false; break; }
      }
      if (ok) { view.push(r); }
    }
    var si = this.index[this.sortKey], dir = this.sortDir;
    view.sort(function (a, b) {
      var c = compare(self.rows[a][si], self.rows[b][si]);
      var blank = self.rows[a][si] === null || self.rows[b][si] === null;
      return (blank ? c : c * dir) || (a - b);
    });
    this.view = view;
    Object.keys(this.headers).forEach(function (key) {
      var th = self.headers[key];
      if (key === self.sortKey) { th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
    });
    this.chips.textContent = "";
    keys.forEach(function (key) {
      if (self.selects[key]) { return; }
      var chip = el("span", { "class": "chip" }, self.columnLabel(key) + " = " + self.exact[key]);
      var x = el("button", { type: "button", "aria-label": "remove filter" }, "×");
      x.addEventListener("click", function () { self.setExact(key, null); });
      chip.appendChild(x);
      self.chips.appendChild(chip);
    });
    this.render();
  };

  Table.prototype.columnLabel = function (key) {
    return this.columns[this.index[key]].label;
  };

  Table.prototype.pages = function () { return Math.max(1, Math.ceil(this.view.length / PAGE_SIZE)); };

  Table.prototype.render = function () {
    var pages = this.pages();
    this.page = Math.max(0, Math.min(this.page, pages - 1));
    this.count.textContent = this.view.length + " of " + this.rows.length + " rows";
    this.pageLabel.textContent = "page " + (this.page + 1) + " / " + pages;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
    var fragment = document.createDocumentFragment();
    var start = this.page * PAGE_SIZE, end = Math.min(this.view.length, start + PAGE_SIZE);
    for (var p = start; p < end; p++) { fragment.appendChild(this.renderRow(this.rows[this.view[p]])); }
    this.body.textContent = "";
    this.body.appendChild(fragment);
  };

  Table.prototype.renderRow = function (row) {
    var tr = el("tr");
    if (this.rowId) { tr.id = this.rowId(row, this.index); }
    if (this.hooks.rowClass) { tr.className = this.hooks.rowClass(row, this.index); }
    for (var c = 0; c < this.columns.length; c++) {
      tr.appendChild(this.renderCell(this.columns[c], row[c]));
    }
    return tr;
  };

  function floorLink(n) { return el("a", { href: "#floor-" + n }, "#" + n); }

  Table.prototype.renderCell = function (col, value) {
    var td = el("td");
    var self = this;
    if (value === null || value === undefined || value === "") { return td; }
    switch (col.type) {
      case "floor":
        td.className = "num";
        td.appendChild(floorLink(value));
        break;
      case "floors":
        td.className = "floors nowrap";
        value.slice(0, 8).forEach(function (n) { td.appendChild(floorLink(n)); });
        if (value.length > 8) { td.appendChild(el("span", { title: value.slice(8).join(", ") }, "+" + (value.length - 8))); }
        break;
      case "user":
        var button = el("button", { type: "button", "class": "linklike", title: "list this person's posts" }, value);
        button.addEventListener("click", function () { self.hooks.onUser(value); });
        td.appendChild(button);
        break;
      case "num":
        td.className = "num";
        td.textContent = typeof value === "number" ? value.toFixed(col.digits === undefined ? 2 : col.digits) : value;
        break;
      case "int":
        td.className = "num";
        td.textContent = String(value);
        break;
      case "tag":
        if (col.quiet !== undefined && value === col.quiet) { break; }
        td.appendChild(el("span", { "class": "tag tag-" + String(value).replace(/[^a-z_]/g, "") }, value));
        break;
      case "bool":
        td.textContent = value ? "✓" : "";
        break;
      case "longtext":
        var div = el("div", { "class": "text" }, value);
        if (String(value).length > 160 || String(value).split("\n").length > 5) { div.classList.add("long"); }
        div.addEventListener("click", function () { div.classList.toggle("open"); });
        td.appendChild(div);
        break;
      default:
        td.className = col.nowrap ? "nowrap" : "";
        td.textContent = String(value);
    }
    return td;
  };

  /** Show row number rowIndex of this.rows: clear filters hiding it, open its page. */
  Table.prototype.reveal = function (rowIndex) {
    var pos = this.view.indexOf(rowIndex);
    if (pos < 0) {
      this.clearFilters();
      pos = this.view.indexOf(rowIndex);
    }
    if (pos < 0) { return false; }
    this.page = Math.floor(pos / PAGE_SIZE);
    this.render();
    return true;
  };

  var postsTable = null, floorRow = {};

  function showPostsOf(name) {
    if (!postsTable) { return; }
    postsTable.clearFilters();
    postsTable.setExact("author", name);
    document.getElementById("posts").scrollIntoView({ block: "start" });
  }

  function goToFloor(n) {
    if (!postsTable) { return; }
    var row = floorRow[n];
    if (row === undefined) { toast("Floor " + n + " is not in these files."); return; }
    postsTable.reveal(row);
    var tr = document.getElementById("floor-" + n);
    if (!tr) { return; }
    tr.scrollIntoView({ block: "center" });
    tr.classList.remove("flash");
    void tr.offsetWidth;
    tr.classList.add("flash");
  }

  function floorFromHash(hash) {
    var m = /^#floor-(\d+)$/.exec(hash || "");
    return m ? parseInt(m[1], 10) : null;
  }

  function openFloor(n) {
    if (location.hash === "#floor-" + n) { goToFloor(n); } else { location.hash = "floor-" + n; }
  }

  document.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[href^='#floor-']") : null;
    if (a && a.getAttribute("href") === location.hash) {
      event.preventDefault();
      goToFloor(floorFromHash(location.hash));
    }
  });
  window.addEventListener("hashchange", function () {
    var n = floorFromHash(location.hash);
    if (n !== null) { goToFloor(n); }
  });

  if (DATA.posts) {
    var p = DATA.posts;
    p.rows.forEach(function (row, i) { floorRow[row[0]] = i; });
    var statusAt = p.columns.map(function (c) { return c.key; }).indexOf("status");
    var opAt = p.columns.map(function (c) { return c.key; }).indexOf("is_op");
    postsTable = new Table(document.getElementById("posts-table"), {
      columns: p.columns, rows: p.rows, sortKey: "floor", sortDir: 1,
      rowId: function (row) { return "floor-" + row[0]; }
    }, {
      onUser: showPostsOf,
      rowClass: function (row) {
        return (statusAt >= 0 ? "status-" + row[statusAt] : "") + (opAt >= 0 && row[opAt] ? " op" : "");
      }
    });
  }
  if (DATA.participants) {
    new Table(document.getElementById("participants-table"), {
      columns: DATA.participants.columns, rows: DATA.participants.rows, sortKey: "posts", sortDir: -1
    }, { onUser: showPostsOf });
  }

  /* ---------------- figures ---------------- */

  var plotConfig = {
    responsive: true, displaylogo: false, scrollZoom: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function onPlotClick(event) {
    var point = event && event.points && event.points[0];
    if (!point) { return; }
    var cd = point.customdata;
    if (Array.isArray(cd) && cd[0] === "user") { showPostsOf(cd[1]); return; }
    if (Array.isArray(cd)) { cd = cd[0]; }
    if (typeof cd === "number" && isFinite(cd)) { openFloor(Math.round(cd)); }
  }

  var pending = [];
  Object.keys(DATA.figures || {}).forEach(function (key) {
    var div = document.getElementById("fig-" + key);
    if (!div) { return; }
    var fig = DATA.figures[key];
    fig.layout.template = DATA.template;
    pending.push(Plotly.newPlot(div, fig.data, fig.layout, plotConfig).then(function (gd) {
      gd.on("plotly_click", onPlotClick);
    }));
  });

  var initial = floorFromHash(location.hash);
  if (initial !== null) { goToFloor(initial); }

  Promise.all(pending).then(function () {
    document.body.setAttribute("data-ready", "1");
    // Figures above the target row may have changed height while drawing: land on it again.
    var n = floorFromHash(location.hash);
    if (n !== null) { goToFloor(n); }
  }, function (error) {
    document.body.setAttribute("data-ready", "error");
    throw error;
  });
})();
