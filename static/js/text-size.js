/* Text size (includes/text_size.html): remembered in localStorage, never a cookie. In the head,
   so that the size applies before the page is drawn; without it the control stays hidden. */
(function () {
  "use strict";
  var KEY = "text-size";
  var SIZES = ["standard", "large", "largest"];
  var root = document.documentElement;

  function chosen() {
    var size = null;
    try { size = window.localStorage.getItem(KEY); } catch (error) { }
    return SIZES.indexOf(size) > 0 ? size : "standard";
  }

  function remember(size) {
    try {
      if (size === "standard") { window.localStorage.removeItem(KEY); }
      else { window.localStorage.setItem(KEY, size); }
    } catch (error) { }
  }

  function apply(size) {
    if (size === "standard") { root.removeAttribute("data-text-size"); }
    else { root.setAttribute("data-text-size", size); }
  }

  apply(chosen());

  document.addEventListener("DOMContentLoaded", function () {
    var control = document.querySelector("[data-text-size-control]");
    if (!control) { return; }
    var buttons = control.querySelectorAll("button[data-size]");
    function show(size) {
      for (var i = 0; i < buttons.length; i += 1) {
        buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-size") === size));
      }
    }
    control.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-size]");
      if (!button) { return; }
      var size = button.getAttribute("data-size");
      remember(size);
      apply(size);
      show(size);
    });
    // Another tab changed it.
    window.addEventListener("storage", function (event) {
      if (event.key === KEY || event.key === null) { apply(chosen()); show(chosen()); }
    });
    show(chosen());
    control.hidden = false;
  });
}());
