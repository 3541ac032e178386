/* The editorial change form (templates/admin/departments/editorial_change_form.html): warn before
   leaving with unsaved changes, and before acting on the saved draft while the form holds
   changes that are not in it. Progressive: without it the form works the same. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var marker = document.querySelector("[data-unsaved-warning]");
    var form = marker && marker.closest("form");
    if (!form) { return; }
    var warning = marker.getAttribute("data-unsaved-warning");
    var dirty = false;
    var submitting = false;
    // The note for the history goes with the publication, not into the draft: typing it changes
    // nothing unsaved.
    function changed(event) {
      if (!event.target.hasAttribute || !event.target.hasAttribute("data-not-content")) { dirty = true; }
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (dirty && button && button.hasAttribute("data-acts-on-saved-draft") &&
          !window.confirm(warning)) {
        event.preventDefault();
        return;
      }
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
}());

/* Each section of facts says how many it holds ("Leaders (4)"), and on a narrow screen each row's
   fields are stacked, each under its column's name, instead of a table to scroll sideways. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var groups = document.querySelectorAll(".inline-group .tabular");
    for (var i = 0; i < groups.length; i += 1) {
      var heading = groups[i].querySelector(".inline-heading");
      var rows = groups[i].querySelectorAll("tr.form-row.has_original").length;
      if (heading) { heading.appendChild(document.createTextNode(" (" + rows + ")")); }
      var names = [];
      var headers = groups[i].querySelectorAll("thead th");
      for (var h = 0; h < headers.length; h += 1) { names.push(headers[h].textContent.trim()); }
      var lines = groups[i].querySelectorAll("tbody tr");
      for (var r = 0; r < lines.length; r += 1) {
        var cells = lines[r].querySelectorAll("td");
        for (var c = 0; c < cells.length; c += 1) {
          if (names[c]) { cells[c].setAttribute("data-label", names[c]); }
        }
      }
    }
  });
}());
