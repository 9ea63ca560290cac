// Stripe Payment Element with the Lumira night theme (SPEC §6.1).
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({
    clientSecret: form.dataset.clientSecret,
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

  var label = button.textContent;  // "Payer 149,00 €": given back after a decline

  function busy(on) {
    button.disabled = on;
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

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    // A new attempt: the previous outcome (server banner or Stripe message) goes away.
    var banner = document.getElementById("payment-banner");
    if (banner) { banner.remove(); }
    message.hidden = true;
    busy(true);
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        // Only reached on an immediate error; success redirects to the confirmation page.
        if (result.error) {
          message.textContent = result.error.message;
          message.hidden = false;
          busy(false);
        }
      });
  });
})();
