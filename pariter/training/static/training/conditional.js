// Conditional registration questions: show a question only when the one it depends on has the given answer.
// Without JavaScript every question stays visible, each with a hint saying when to answer it; the server keeps
// only the answers to questions that apply.
(function () {
  "use strict";
  var dependants = document.querySelectorAll("[data-depends-on]");
  function update() {
    dependants.forEach(function (field) {
      var parent = document.getElementById(field.getAttribute("data-depends-on"));
      var wrapper = field.closest(".training-question");
      if (!parent || !wrapper) return;
      var shown = parent.value.trim().toLowerCase() === field.getAttribute("data-depends-value").trim().toLowerCase();
      wrapper.hidden = !shown;
    });
  }
  dependants.forEach(function (field) {
    var parent = document.getElementById(field.getAttribute("data-depends-on"));
    if (parent) parent.addEventListener("change", update);
  });
  update();
})();
