from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    label = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Catalogue"

    def ready(self):
        from membership import signals

        from . import (
            checks,  # noqa: F401  (checks registers the system checks)
            signal_handlers,
        )
        from .registrations import privacy
        from .search.signal_handlers import register_signal_handlers

        signals.personal_data_requested.connect(privacy.registrations_data)
        signals.personal_data_requested.connect(privacy.applications_data)
        signals.account_deleting.connect(privacy.forget)
        register_signal_handlers()
        signal_handlers.register_signal_handlers()
