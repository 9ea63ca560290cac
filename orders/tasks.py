"""Background tasks of the sale itself (SPEC §11); the e-mails and notices are the Sanctuaire's
(sanctuaire/tasks.py), set off by orders/signals.py."""

from datetime import timedelta

from operations.tasks import retried_task


@retried_task(attempts=3, first_delay=timedelta(seconds=30))
def make_reading_pdf(reading_id: int) -> bool:
    """Typeset the submitted reading's PDF (SPEC §5); running it again makes the same PDF."""
    from orders.reading_pdf import store_generated_pdf

    return store_generated_pdf(reading_id)
