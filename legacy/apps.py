from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """The import of the old MongoDB data: it writes every app's rows, so it sits above them."""

    name = "legacy"
    verbose_name = "Import de l’ancienne base"
