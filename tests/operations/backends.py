"""Mail relays we do not own, misbehaving: slow, or failing a given number of times."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowBackend(EmailBackend):
    delay = 5.0

    def send_messages(self, messages) -> int:
        time.sleep(self.delay)
        return super().send_messages(messages)


class HalfSecondBackend(SlowBackend):
    delay = 0.5


class FlakyBackend(EmailBackend):
    """Fails `failures_left` times (connection refused), then delivers."""

    failures_left = 0
    attempts = 0

    def send_messages(self, messages) -> int:
        FlakyBackend.attempts += 1
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("relay down")
        return super().send_messages(messages)
