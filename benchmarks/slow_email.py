"""An e-mail backend that takes its time, as a slow relay does: the webhook target with e-mail
(benchmarks/run.py) shows that the webhook's answer does not wait for it (SPEC §11).

BENCH_EMAIL_DELAY sets the wait (0.5 s by default; 0 for the comparison run)."""

import os
import time

from django.core.mail.backends.locmem import EmailBackend as MemoryBackend

DELAY_SECONDS = float(os.environ.get("BENCH_EMAIL_DELAY", "0.5"))


class SleepingEmailBackend(MemoryBackend):
    """Each send waits DELAY_SECONDS, then keeps the messages in memory (nothing leaves)."""

    def send_messages(self, messages) -> int:
        time.sleep(DELAY_SECONDS)
        sent = super().send_messages(messages)
        from django.core import mail  # the in-memory outbox would grow for the whole run

        mail.outbox = []
        return sent
