// The desk's reading editor (SPEC §8.2): nothing typed is lost, limits show before the server
// refuses, and a mandala chosen as a file is previewed and can still be edited as text.
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form) return;

  // A warning before leaving with unsaved changes; none once the form is being sent.
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // "123 / 160" under each field with a limit, announced politely when it is nearly reached.
  var counters = form.querySelectorAll("[data-counter-for]");
  Array.prototype.forEach.call(counters, function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    function update() {
      var length = field.value.length;
      counter.textContent = length + " / " + limit;
      counter.classList.toggle("counter-near", length > limit * 0.9);
    }
    field.addEventListener("input", update);
    update();
  });

  // The mandala: a chosen .svg file fills the text area (so it can still be edited) and the
  // preview shows it as an image (an <img> runs no script; the server sanitises on save).
  var file = form.querySelector("input[data-svg-file]");
  var text = form.querySelector("textarea[data-svg-text]");
  var preview = form.querySelector("img[data-svg-preview]");
  function show(markup) {
    if (!preview) return;
    if (markup.trim()) {
      preview.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
      preview.hidden = false;
    }
  }
  if (file && text) {
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) return;
      chosen.text().then(function (markup) {
        text.value = markup;
        show(markup);
        text.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    text.addEventListener("input", function () { show(text.value); });
  }
})();
