/* One language switch for the whole form (modeltranslation's own "main switch"), labelled with
   the languages' names, instead of a strip of "en" / "zh-hans" tabs on every translated field.
   Runs after modeltranslation has built its tabs; without it, its tabs work as they are. */
(function () {
  "use strict";
  var NAMES = { "en": "English", "zh-hans": "简体中文" };
  var LABEL = (document.documentElement.lang || "").indexOf("zh") === 0 ? "编辑语言" : "Editing language";
  // jQuery's ready handlers run in order: this one after modeltranslation's, which builds the switch.
  var jQuery = (window.django && window.django.jQuery) || window.jQuery;
  if (!jQuery) { return; }
  jQuery(function () {
    var select = document.getElementById("modeltranslation-main-switch");
    if (!select) { return; }
    var options = select.querySelectorAll("option");
    for (var i = 0; i < options.length; i += 1) {
      var code = options[i].textContent.trim().toLowerCase();
      if (NAMES[code]) { options[i].textContent = NAMES[code]; }
    }
    var label = document.createElement("label");
    label.htmlFor = select.id;
    label.className = "language-switch-label";
    label.textContent = LABEL;
    var wrapper = document.createElement("div");
    wrapper.className = "language-switch-bar";
    // At the top of the form (not in its heading), so that it stays in view down the whole form.
    var form = select.form || document.querySelector("#content-main form");
    if (form) { form.insertBefore(wrapper, form.firstChild); }
    else { select.parentNode.insertBefore(wrapper, select); }
    wrapper.appendChild(label);
    wrapper.appendChild(select);
    document.body.classList.add("one-language-switch");
    var tabs = document.querySelectorAll(".ui-tabs-nav a");
    for (var j = 0; j < tabs.length; j += 1) {
      var text = tabs[j].textContent.trim().toLowerCase();
      if (NAMES[text]) { tabs[j].textContent = NAMES[text]; }
    }
  });
}());
