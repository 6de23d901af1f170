// Progressive enhancement of the evidence gap map: a click on a cell shows what stands
// behind it in a panel beside the map, and a principle filter recounts the cells. Without
// JavaScript each cell is a link to its section in the "What stands behind each cell"
// details further down the page (the browser opens the details for the target).
(function () {
  "use strict";
  var panel = document.getElementById("cell-panel");
  var layout = document.querySelector(".map-layout");
  if (!panel || !layout) { return; }
  var body = panel.querySelector(".panel-body");
  var selected = null;

  function show(anchor, link) {
    var section = document.getElementById(anchor);
    if (!section) { return false; }
    body.innerHTML = "";
    Array.prototype.forEach.call(section.childNodes, function (node) {
      body.appendChild(node.cloneNode(true));
    });
    if (selected) { selected.classList.remove("selected"); selected.removeAttribute("aria-current"); }
    selected = link;
    if (link) { link.classList.add("selected"); link.setAttribute("aria-current", "true"); }
    panel.hidden = false;
    layout.classList.add("has-panel");
    panel.focus();
    return true;
  }

  document.querySelectorAll("a.cell").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var anchor = link.getAttribute("href").slice(1);
      if (show(anchor, link)) {
        event.preventDefault();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "#" + anchor);
        }
      }
    });
  });

  function close() {
    panel.hidden = true;
    layout.classList.remove("has-panel");
    if (selected) {
      selected.classList.remove("selected");
      selected.removeAttribute("aria-current");
      selected.focus();
      selected = null;
    }
  }
  panel.querySelector(".close").addEventListener("click", close);
  // Esc closes the panel from anywhere in it, and focus returns to the cell
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      close();
    }
  });

  // links from the list view (below 600 px) open the fallback details at the cell
  function openTarget() {
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    var details = target ? target.closest("details") : null;
    if (details) { details.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);

  if (window.location.hash.indexOf("#cell-") === 0) {
    var anchor = window.location.hash.slice(1);
    if (window.matchMedia("(max-width: 600px)").matches) { openTarget(); }
    else { show(anchor, document.querySelector('a.cell[href="#' + anchor + '"]')); }
  }

  // The principle filter: only the entries whose case study is aligned with the principle
  // (strong or moderate; our curation) count; a cell counts their distinct studies.
  var filter = document.getElementById("principle-filter");
  var data = document.getElementById("principle-alignments");
  if (!filter || !data) { return; }
  var aligned = JSON.parse(data.textContent);
  var status = document.getElementById("filter-status");
  filter.closest(".map-filter").hidden = false;
  function studiesIn(cells, cases) {
    var studies = {};
    cells.forEach(function (link) {
      link.getAttribute("data-entries").trim().split(/\s+/).forEach(function (pair) {
        var parts = pair.split(":");
        if (!cases || cases[parts[1]]) { studies[parts[0]] = true; }
      });
    });
    return Object.keys(studies).length;
  }
  function plural(n) { return n + (n === 1 ? " study" : " studies"); }
  var table = document.querySelector("table.gap-map");
  filter.addEventListener("change", function () {
    var cases = filter.value ? aligned[filter.value] || {} : null;
    document.querySelectorAll("a.cell").forEach(function (link) {
      var n = studiesIn([link], cases);
      link.querySelector(".count").textContent = String(n);
      link.querySelector(".unit").textContent = n === 1 ? " study" : " studies";
      link.classList.toggle("filtered-out", n === 0);
    });
    // totals: each row, each domain, each column and the whole map count distinct studies
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var total = row.querySelector("td.total");
      if (total) { total.textContent = String(studiesIn(row.querySelectorAll("a.cell"), cases)); }
    });
    table.querySelectorAll("tbody.domain").forEach(function (group) {
      group.querySelector(".domain-total").textContent = plural(studiesIn(group.querySelectorAll("a.cell"), cases));
    });
    var totals = table.querySelectorAll("tfoot td.total");
    totals.forEach(function (cell, index) {
      var column = index < totals.length - 1
        ? table.querySelectorAll("tbody tr td:nth-child(" + (index + 2) + ") a.cell")
        : table.querySelectorAll("a.cell");
      cell.textContent = String(studiesIn(Array.prototype.slice.call(column), cases));
    });
    if (!cases) { status.textContent = ""; return; }
    var names = Object.keys(cases).sort().map(function (slug) { return cases[slug]; });
    status.textContent = "Counting only the case studies aligned with this principle: " +
      (names.length ? names.join(", ") : "none") + ".";
  });
})();
