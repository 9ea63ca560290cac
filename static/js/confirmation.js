// While the payment is pending: poll the order, and after a few tries ask the server to
// re-read the PaymentIntent from the gateway (confirm-payment), in case the webhook is late.
(function () {
  "use strict";
  var box = document.getElementById("order-status");
  if (!box || !box.dataset.pollUrl) { return; }
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var tries = 0;

  // The order's status when the page was made: pending, or failed while a retry the gateway
  // accepted is on its way.
  function reloadIfMoved(status) {
    if (status && status !== box.dataset.status) { window.location.reload(); return true; }
    return false;
  }

  function confirmWithGateway() {
    if (!box.dataset.paymentIntent) { return Promise.resolve(); }
    return fetch(box.dataset.confirmUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ paymentIntentId: box.dataset.paymentIntent })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.order) { reloadIfMoved(data.order.status); } });
  }

  function poll() {
    tries += 1;
    fetch(box.dataset.pollUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && reloadIfMoved(data.order.status)) { return; }
        var next = tries % 3 === 0 ? confirmWithGateway() : Promise.resolve();
        return next.then(function () { if (tries < 60) { setTimeout(poll, 3000); } });
      })
      .catch(function () { if (tries < 60) { setTimeout(poll, 5000); } });
  }
  setTimeout(poll, 2000);
})();
