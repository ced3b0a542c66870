from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Recherche"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
