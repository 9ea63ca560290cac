"""What happens to an order that the apps above orders answer (the client e-mails, sanctuaire).

Sent by orders/services.py inside the transaction of the change: a receiver that enqueues a
task writes it in that same transaction (SPEC §11), so the task exists if and only if the change
committed, and a receiver that raises rolls the change back.
"""

from django.dispatch import Signal

# Sent with sender=Order and order=<the order>, once the change is recorded.
order_paid = Signal()
reading_delivered = Signal()
refund_succeeded = Signal()  # and refund=<the billing.Refund>
reading_rejected = Signal()  # and revision=<the reading's revision count after the rejection>
# The client's form arrived for the first time while the order is reserved to their chosen expert.
reserved_order_ready = Signal()
