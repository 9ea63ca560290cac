from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Pilotage"

    def ready(self) -> None:
        from ops import receivers  # noqa: F401  (connect the handlers)
