// Stripe Payment Element with the Lumira night theme (SPEC §6.1).
// The page holds no client secret: the consent boxes are posted first, and the server answers
// with the secret only once both are recorded. Nothing can be charged before that.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({
    mode: "payment",
    amount: parseInt(form.dataset.amount, 10),
    currency: form.dataset.currency,
    locale: form.dataset.locale || "fr",
    appearance: {
      theme: "night",
      variables: {
        colorPrimary: "#D4AF37",
        colorBackground: "#0F0B19",
        colorText: "#E5E7EB",
        colorDanger: "#EF4444",
        borderRadius: "12px"
      }
    }
  });
  elements.create("payment").mount("#payment-element");
  var message = document.getElementById("payment-message");
  var button = document.getElementById("pay-button");
  var boxes = form.querySelectorAll(".consent input[type=checkbox]");

  var label = button.textContent;  // "Payer 149,00 €": given back after a decline

  function ticked() {
    return Array.prototype.every.call(boxes, function (box) { return box.checked; });
  }

  function busy(on) {
    button.disabled = on || !ticked();
    button.setAttribute("aria-busy", on ? "true" : "false");
    button.textContent = on ? "" : label;
    if (on) {
      var spinner = document.createElement("span");
      spinner.className = "spinner";
      spinner.setAttribute("aria-hidden", "true");
      button.appendChild(spinner);
      button.appendChild(document.createTextNode(form.dataset.paying));
    }
  }

  function fail(text) {
    message.textContent = text;
    message.hidden = false;
    busy(false);
  }

  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () { busy(false); });
  });
  busy(false);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled || !ticked()) { return; }
    // A new attempt: the previous outcome (server banner or Stripe message) goes away.
    var banner = document.getElementById("payment-banner");
    if (banner) { banner.remove(); }
    message.hidden = true;
    busy(true);
    elements.submit().then(function (checked) {
      if (checked.error) { throw checked.error; }
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw { message: body.error }; }
        return stripe.confirmPayment({
          elements: elements,
          clientSecret: body.clientSecret,
          confirmParams: { return_url: form.dataset.returnUrl }
        });
      });
    }).then(function (result) {
      // Only reached on an immediate error; success redirects to the confirmation page.
      if (result && result.error) { fail(result.error.message); }
    }).catch(function (error) {
      fail((error && error.message) || form.dataset.failed || "");
    });
  });
})();
