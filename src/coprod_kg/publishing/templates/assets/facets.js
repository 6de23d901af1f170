/* coprod-kg facet filters: a list's items carry data-facet-NAME="value value ..."; the form
   before the list (facet-form.html) keeps the items that match every chosen value. The
   form is hidden until this script runs, so without JavaScript the whole list shows. */
(function () {
  "use strict";
  function matches(item, selects) {
    return selects.every(function (select) {
      if (!select.value) {
        return true;
      }
      var values = (item.getAttribute("data-facet-" + select.dataset.facet) || "").split(" ");
      return values.indexOf(select.value) >= 0;
    });
  }

  document.querySelectorAll("form.facet-filters[data-list]").forEach(function (form) {
    var list = document.getElementById(form.dataset.list);
    if (!list) {
      return;
    }
    var items = Array.prototype.slice.call(list.children);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
    var status = form.querySelector(".facet-status");

    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        item.hidden = !matches(item, selects);
        shown += item.hidden ? 0 : 1;
      });
      status.textContent = "Showing " + shown + " of " + items.length + " " +
        form.dataset.noun + ".";
    }

    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  });
}());
