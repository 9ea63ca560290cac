"""What happens to an order that the apps above orders answer (invoices, alerts, e-mails).

Sent by orders/services.py inside the transaction of the change: a receiver that writes rows
(billing's invoice, ops' alert) or enqueues a task does it in that same transaction (SPEC §11),
so they exist if and only if the change committed, and a receiver that raises rolls the change
back. orders imports none of the receivers' apps; each connects its own in its AppConfig.ready.
"""

from django.dispatch import Signal

# Sent with sender=Order and order=<the order>, once the change is recorded.
# The order was just paid (a payment, or a refund that reveals a late one): billing numbers its
# invoice. Sent before `order_paid`, so the e-mails that follow find the invoice.
payment_recorded = Signal()
order_paid = Signal()
reading_delivered = Signal()
reading_rejected = Signal()  # and revision=<the reading's revision count after the rejection>
# The client's form arrived for the first time while the order is reserved to their chosen expert.
reserved_order_ready = Signal()
# An admin took an order in preparation from its expert (and expert=<that expert>).
order_taken_back = Signal()
# Money the admins hear of (ops alerts them): a pending order's payment failed; a verified event
# disagrees with the order (and reason=<what disagrees>); its dispute changed (and note=<the
# history line: the dispute's state and detail>).
payment_failed = Signal()
payment_flagged = Signal()
dispute_changed = Signal()
