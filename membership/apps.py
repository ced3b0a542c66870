from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "membership"
    label = "membership"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Adhésions"

    def ready(self):
        from django_tasks.signals import task_finished

        from . import checks  # noqa: F401  (registers the system checks)
        from .task_failures import on_task_finished

        task_finished.connect(on_task_finished, dispatch_uid="membership_task_failures")
