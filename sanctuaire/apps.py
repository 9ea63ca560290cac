from django.apps import AppConfig


class SanctuaireConfig(AppConfig):
    name = "sanctuaire"
    verbose_name = "Sanctuaire"

    def ready(self) -> None:
        from sanctuaire import receivers, signals  # noqa: F401  (connect the handlers)
