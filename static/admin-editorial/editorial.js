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
   fields are stacked, each under its column's name, instead of a table to scroll sideways. A
   cell is named by the column of the field it holds: modeltranslation makes one cell of a
   translated field's two, so cells and columns no longer pair up by position. It does so on
   jQuery's ready, whose handlers run in order: this one after it (as in language-switch.js). */
(function () {
  "use strict";
  var jQuery = (window.django && window.django.jQuery) || window.jQuery;
  var ready = jQuery ? jQuery : function (run) { document.addEventListener("DOMContentLoaded", run); };
  ready(function () {
    var groups = document.querySelectorAll(".inline-group .tabular");
    for (var i = 0; i < groups.length; i += 1) {
      var heading = groups[i].querySelector(".inline-heading");
      var rows = groups[i].querySelectorAll("tr.form-row.has_original").length;
      if (heading) { heading.appendChild(document.createTextNode(" (" + rows + ")")); }
      var cells = groups[i].querySelectorAll("tbody tr td");
      for (var c = 0; c < cells.length; c += 1) {
        var field = cells[c].querySelector("input:not([type=hidden]), select, textarea");
        if (!field || !field.name) { continue; }
        var name = field.name.slice(field.name.lastIndexOf("-") + 1);
        var column = groups[i].querySelector("thead th.column-" + name);
        if (!column && field.type === "checkbox" && name === "DELETE") { column = groups[i].querySelector("thead th:last-child"); }
        // "Title [en]": the language is the switch's business, not the label's.
        if (column) { cells[c].setAttribute("data-label", column.textContent.replace(/\s*\[[^\]]*\]\s*$/, "").trim()); }
      }
    }
  });
}());
