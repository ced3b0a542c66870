from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "membership"
    label = "membership"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Adhésions"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
