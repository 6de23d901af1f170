/* coprod-kg facet filters: a list's items carry data-facet-NAME="value value ..."; the form
   before the list (facet-form.html) keeps the items that match every chosen value. The
   form is hidden until this script runs, so without JavaScript the whole list shows.
   The evidence map (assets/gapmap.js) reuses `coprodFacets.matches` and
   `coprodFacets.enhance` for its form (data-map instead of data-list). */
(function () {
  "use strict";
  // valuesOf(name) -> the item's values for a facet; true when every chosen value is among them
  function matches(valuesOf, selects) {
    return selects.every(function (select) {
      return !select.value || valuesOf(select.dataset.facet).indexOf(select.value) >= 0;
    });
  }

  // show the form and run apply(selects) now and on every change or reset
  function enhance(form, apply) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
    function run() { apply(selects); }
    form.addEventListener("change", run);
    form.addEventListener("reset", function () { window.setTimeout(run, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    run();
  }

  window.coprodFacets = { matches: matches, enhance: enhance };

  document.querySelectorAll("form.facet-filters[data-list]").forEach(function (form) {
    var list = document.getElementById(form.dataset.list);
    if (!list) {
      return;
    }
    var items = Array.prototype.slice.call(list.children);
    var status = form.querySelector(".facet-status");
    enhance(form, function (selects) {
      var shown = 0;
      items.forEach(function (item) {
        item.hidden = !matches(function (name) {
          return (item.getAttribute("data-facet-" + name) || "").split(" ");
        }, selects);
        shown += item.hidden ? 0 : 1;
      });
      status.textContent = "Showing " + shown + " of " + items.length + " " +
        form.dataset.noun + ".";
    });
  });
}());
