// Intake form helpers: a counter under each limited text field, and previews of the chosen photos.
(function () {
  "use strict";
  var form = document.querySelector("form.intake");
  if (!form) { return; }
  var lang = document.documentElement.lang || "fr";
  var words = lang === "en"
    ? { left: " characters left", over: " characters too many" }
    : { left: " caractères restants", over: " caractères en trop" };

  form.querySelectorAll("textarea[maxlength], input[type=text][maxlength]").forEach(function (field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max || max < 100) { return; }
    var counter = document.createElement("span");
    counter.className = "counter";
    counter.id = field.id + "_counter";
    field.insertAdjacentElement("afterend", counter);
    field.setAttribute("aria-describedby",
      ((field.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    function update() {
      var left = max - field.value.length;
      counter.textContent = left >= 0 ? left + words.left : (-left) + words.over;
      counter.classList.toggle("near", left >= 0 && left < max * 0.1);
      counter.classList.toggle("over", left < 0);
      // Announced only when the limit is close, not on every key.
      if (left < max * 0.1) { counter.setAttribute("aria-live", "polite"); } else { counter.removeAttribute("aria-live"); }
    }
    field.addEventListener("input", update);
    update();
  });

  var zone = document.getElementById("dropzone");
  var input = zone && zone.querySelector("input[type=file]");
  var list = document.getElementById("photo-previews");
  if (!input || !list) { return; }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.add("dragging"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  input.addEventListener("change", function () {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      var caption = document.createElement("span");
      caption.textContent = file.name;
      if (/^image\/(jpeg|png|gif|webp)$/.test(file.type)) {
        var img = document.createElement("img");
        img.alt = "";
        var reader = new FileReader();
        reader.onload = function () { img.src = reader.result; };  // a data: URL, allowed by the CSP
        reader.readAsDataURL(file);
        item.appendChild(img);
      }
      item.appendChild(caption);
      list.appendChild(item);
    });
  });
})();
