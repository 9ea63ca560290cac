// Stripe Payment Element with the Lumira night theme (SPEC §6.1).
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({
    clientSecret: form.dataset.clientSecret,
    locale: "fr",
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

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        // Only reached on an immediate error; success redirects to the confirmation page.
        if (result.error) {
          message.textContent = result.error.message;
          message.hidden = false;
          button.disabled = false;
        }
      });
  });
})();
