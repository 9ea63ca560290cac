// The demo card form: spaces in the card number, "1230" becomes "12/30", and while the payment
// is on its way the button says so and cannot be pressed twice (it keeps its price otherwise).
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form) { return; }
  var number = form.querySelector("[name=card_number]");
  var expiry = form.querySelector("[name=expiry]");
  var cvc = form.querySelector("[name=cvc]");
  var button = document.getElementById("pay-button");

  function digits(value) { return value.replace(/\D/g, ""); }

  number.addEventListener("input", function () {
    var value = digits(number.value).slice(0, 19);
    number.value = value.replace(/(\d{4})(?=\d)/g, "$1 ");
  });
  expiry.addEventListener("input", function (event) {
    var value = digits(expiry.value).slice(0, 4);
    if (value.length === 1 && value > "1") { value = "0" + value; }  // "4" means April
    var deleting = event.inputType && event.inputType.indexOf("delete") === 0;
    if (value.length > 2 || (value.length === 2 && !deleting)) {
      value = value.slice(0, 2) + "/" + value.slice(2);
    }
    expiry.value = value;
  });
  cvc.addEventListener("input", function () { cvc.value = digits(cvc.value).slice(0, 4); });

  form.addEventListener("submit", function () {
    // A new attempt: the previous outcome goes away, the button shows progress.
    var banner = document.getElementById("payment-banner");
    if (banner) { banner.remove(); }
    if (button.disabled) { return; }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "";
    var spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    button.appendChild(spinner);
    button.appendChild(document.createTextNode(form.dataset.paying));
  });
  // Back from the browser's cache after leaving the page: the button is usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
})();
