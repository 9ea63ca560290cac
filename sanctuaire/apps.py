from django.apps import AppConfig


class SanctuaireConfig(AppConfig):
    name = "sanctuaire"
    verbose_name = "Sanctuaire"

    def ready(self) -> None:
        from sanctuaire import signals  # noqa: F401  (connects the e-mail change handlers)
