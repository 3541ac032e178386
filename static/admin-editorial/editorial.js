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
    function changed() { dirty = true; }
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
