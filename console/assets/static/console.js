// localwatch console: table sorting, auto-refresh, region switch, live tail.
// Every page works without it.
(function () {
  "use strict";

  // Sortable tables: click (or Enter on) a header to sort by that column.
  function cellValue(td, kind) {
    var t = (td.getAttribute("data-value") || td.textContent).trim();
    if (kind === "num") { var n = parseFloat(t.replace(/,/g, "")); return isNaN(n) ? -Infinity : n; }
    return t.toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var ths = table.querySelectorAll("thead th");
    ths.forEach(function (th, i) {
      if (th.hasAttribute("data-nosort")) return;
      th.tabIndex = 0;
      function sort() {
        var kind = th.getAttribute("data-sort") || "text";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        ths.forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[i], kind), y = cellValue(b.cells[i], kind);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });

  // Filter boxes hide the rows of a table that do not contain the text.
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-filter"));
    if (!table) return;
    box.addEventListener("input", function () {
      var s = box.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = s !== "" && r.textContent.toLowerCase().indexOf(s) < 0;
      });
    });
  });

  // Selects that submit their form on change (the Region picker).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var u = new URL(window.location.href);
      u.searchParams.set(sel.name, sel.value);
      window.location.href = u.toString();
    });
  });

  // Auto-refresh: reload every data-refresh seconds while the box is ticked
  // (remembered across pages).
  var secs = parseInt(document.body.getAttribute("data-refresh") || "0", 10);
  var toggle = document.querySelector("[data-refresh-toggle]");
  if (secs > 0 && toggle) {
    var key = "localwatch.autorefresh";
    var timer = null;
    function arm() {
      if (timer) { clearTimeout(timer); timer = null; }
      if (toggle.checked) timer = setTimeout(function () { window.location.reload(); }, secs * 1000);
    }
    try { toggle.checked = localStorage.getItem(key) === "1"; } catch (e) {}
    toggle.addEventListener("change", function () {
      try { localStorage.setItem(key, toggle.checked ? "1" : "0"); } catch (e) {}
      arm();
    });
    arm();
  }

  // Timeline bars: each state's share of the range.
  document.querySelectorAll(".timeline span[data-start]").forEach(function (s) {
    var d = parseInt(s.getAttribute("data-end"), 10) - parseInt(s.getAttribute("data-start"), 10);
    s.style.flexGrow = String(Math.max(d, 1));
  });

  // Live tail: poll the tail endpoint and append new events.
  var tail = document.querySelector("[data-tail]");
  var tailBtn = document.querySelector("[data-tail-toggle]");
  if (tail && tailBtn) {
    var on = false, after = tail.getAttribute("data-after") || "0", seen = {}, poll = null;
    var every = Math.max(2, parseInt(tail.getAttribute("data-every") || "2", 10)) * 1000;
    var status = document.querySelector("[data-tail-status]");
    function tick() {
      var u = new URL(tail.getAttribute("data-tail"), window.location.href);
      u.searchParams.set("after", after);
      fetch(u.toString(), { headers: { "Accept": "application/json" } }).then(function (r) { return r.json(); }).then(function (j) {
        var body = tail.tBodies[0];
        (j.events || []).forEach(function (ev) {
          if (seen[ev.id]) return;
          seen[ev.id] = true;
          var tr = document.createElement("tr");
          [ev.time, ev.stream, ev.message].forEach(function (v, i) {
            var td = document.createElement("td");
            td.textContent = v;
            td.className = i === 2 ? "msg tail" : "mono nowrap";
            tr.appendChild(td);
          });
          body.insertBefore(tr, body.firstChild);
        });
        if (j.after) after = String(j.after);
      }).catch(function () {}).then(function () { if (on) poll = setTimeout(tick, every); });
    }
    tailBtn.addEventListener("click", function () {
      on = !on;
      tailBtn.textContent = on ? "Stop live tail" : "Start live tail";
      if (status) status.hidden = !on;
      if (on) tick(); else if (poll) clearTimeout(poll);
    });
  }
})();

// Pages waiting for a result (a Logs Insights query) reload until it is in.
(function () {
  var poll = parseInt(document.body.getAttribute("data-poll") || "0", 10);
  if (poll > 0) setTimeout(function () { window.location.reload(); }, poll * 1000);
})();
