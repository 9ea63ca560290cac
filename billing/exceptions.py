"""Domain errors that views turn into French messages, never into a 500."""


class RefundRefused(Exception):
    """A refund the order cannot take (not paid, amount over what is left): `message` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
