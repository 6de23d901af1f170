// Progressive enhancement of the evidence gap map: a click on a cell shows what stands
// behind it in a panel beside the map. Without JavaScript each cell is a link to the
// section that lists the same outcomes and case studies further down the page.
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

  panel.querySelector(".close").addEventListener("click", function () {
    panel.hidden = true;
    layout.classList.remove("has-panel");
    if (selected) { selected.classList.remove("selected"); selected.focus(); selected = null; }
  });

  if (window.location.hash.indexOf("#cell-") === 0) {
    var anchor = window.location.hash.slice(1);
    show(anchor, document.querySelector('a.cell[href="#' + anchor + '"]'));
  }
})();
