from django.apps import AppConfig
from django_tasks_db.apps import TasksAppConfig


class OperationsConfig(AppConfig):
    default = True  # the one for "operations" in INSTALLED_APPS, though not alone in this module
    name = "operations"
    verbose_name = "Exploitation"


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db's app under a French name in the admin (its own is English)."""

    verbose_name = "File de tâches"
