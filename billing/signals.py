"""What happens to a refund that the apps above billing answer (the client's e-mail).

Sent inside the refund's transaction, once the order and the credit note are recorded: a
receiver that enqueues a task writes it in that same transaction (SPEC §11).
"""

from django.dispatch import Signal

# Sent with sender=Refund, order=<the order as it now stands> and refund=<the succeeded Refund>.
refund_succeeded = Signal()
