// Progressive enhancement of the evidence gap map: a click on a cell shows what stands
// behind it in a panel beside the map, each domain's rows fold away, and the facet filters
// (principle, domain, intervention, design level, claim status, population, setting)
// recount the cells and totals. Without
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

  // Each domain's rows fold away behind a button (the domain's total row stays).
  document.querySelectorAll("button.domain-toggle").forEach(function (button) {
    var rows = button.closest("tbody").querySelectorAll("tr.category-row");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      button.querySelector(".toggle-icon").textContent = open ? "\u25BE" : "\u25B8";
      rows.forEach(function (row) { row.hidden = !open; });
    });
  });

  // The filters (facet-form.html, assets/facets.js): a cell counts the distinct studies
  // among its entries that pass every chosen value; totals count distinct studies too.
  // A principle keeps the case studies aligned with it (strong or moderate; our curation).
  var form = document.querySelector("form.facet-filters[data-map]");
  var data = document.getElementById("principle-alignments");
  if (!form || !window.coprodFacets) { return; }
  var aligned = data ? JSON.parse(data.textContent) : {};
  var principleStatus = document.getElementById("filter-status");
  var table = document.querySelector("table.gap-map");
  var cells = Array.prototype.slice.call(table.querySelectorAll("a.cell"));
  cells.forEach(function (link) { link.entries = JSON.parse(link.getAttribute("data-entries")); });

  function studiesIn(links, selects) {
    var studies = {};
    Array.prototype.forEach.call(links, function (link) {
      link.entries.forEach(function (entry) {
        var passes = window.coprodFacets.matches(function (name) {
          return entry[1][name] || [];
        }, selects);
        if (passes) { studies[entry[0]] = true; }
      });
    });
    return Object.keys(studies).length;
  }
  function plural(n) { return n + (n === 1 ? " study" : " studies"); }

  function recount(selects) {
    cells.forEach(function (link) {
      var n = studiesIn([link], selects);
      link.querySelector(".count").textContent = String(n);
      link.querySelector(".unit").textContent = n === 1 ? " study" : " studies";
      link.classList.toggle("filtered-out", n === 0);
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var total = row.querySelector("td.total");
      if (total) { total.textContent = String(studiesIn(row.querySelectorAll("a.cell"), selects)); }
    });
    table.querySelectorAll("tbody.domain").forEach(function (group) {
      group.querySelector(".domain-total").textContent =
        plural(studiesIn(group.querySelectorAll("a.cell"), selects));
    });
    var totals = table.querySelectorAll("tfoot td.total");
    totals.forEach(function (cell, index) {
      var column = index < totals.length - 1
        ? table.querySelectorAll("tbody tr td:nth-child(" + (index + 2) + ") a.cell")
        : cells;
      cell.textContent = String(studiesIn(column, selects));
    });
    var all = studiesIn(cells, []);
    form.querySelector(".facet-status").textContent =
      "Counting " + studiesIn(cells, selects) + " of " + plural(all) + ".";
    var principle = form.querySelector('select[data-facet="principle"]');
    if (!principle || !principle.value) { principleStatus.textContent = ""; return; }
    var cases = aligned[principle.value] || {};
    var names = Object.keys(cases).sort().map(function (slug) { return cases[slug]; });
    principleStatus.textContent = "Counting only the case studies aligned with this principle: " +
      (names.length ? names.join(", ") : "none") + ".";
  }
  window.coprodFacets.enhance(form, recount);
})();
