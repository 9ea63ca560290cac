"""Domain errors that views turn into French messages, never into a 500."""

from django.utils.translation import gettext as _

from orders.sections import Section


class TransitionRefused(Exception):
    """The status machine (SPEC §5) does not allow this change, or another request won."""

    def __init__(self, from_status: str, to_status: str, *, stale: bool = False) -> None:
        self.from_status = from_status
        self.to_status = to_status
        self.stale = stale
        super().__init__(
            f"transition {from_status} -> {to_status} refused" + (" (stale)" if stale else "")
        )

    @property
    def message(self) -> str:
        if self.stale:
            return _("Cette commande vient d’être modifiée par quelqu’un d’autre.")
        return _("Cette action n’est pas possible pour une commande dans cet état.")


class ContentIncomplete(Exception):
    """Submitting for validation needs the sections the order's level requires."""

    def __init__(self, missing: list[Section]) -> None:
        self.missing = missing
        super().__init__("missing content: " + ", ".join(section.name for section in missing))

    @property
    def labels(self) -> str:
        """The missing sections as the desk names them: "rituel, analyse des blocages"."""
        return ", ".join(str(section.label) for section in self.missing)


class ClaimRefused(Exception):
    """The order cannot be taken by this expert now; `message` is French, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationRefused(Exception):
    """This person may not give this reading its second look; `message` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
