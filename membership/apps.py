from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "membership"
    label = "membership"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Adhésions"
