"""Pages of the online payment of a cotisation; mounted under ``adhesion/paiement/``."""

from django.urls import path

from .checkout_views import checkout_cancel_view, checkout_start_view, checkout_success_view

app_name = "membership_checkout"

urlpatterns = [
    path("", checkout_start_view, name="checkout_start"),
    path("merci/", checkout_success_view, name="checkout_success"),
    path("annule/", checkout_cancel_view, name="checkout_cancel"),
]
