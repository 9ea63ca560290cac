from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = "Experts"

    def ready(self) -> None:
        from experts import checks  # noqa: F401 — registers the system checks
