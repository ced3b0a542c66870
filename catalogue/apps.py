from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    label = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Catalogue"
