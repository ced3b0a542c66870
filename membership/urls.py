"""The member's pages; mounted under ``adhesion/`` with the namespace ``membership``."""

from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("", views.account_view, name="account"),
    path("profil/", views.profile_edit_view, name="profile"),
    path("organisation/", views.attachment_request_view, name="attachment_request"),
    path(
        "organisation/<int:pk>/commande/",
        views.public_references_view,
        name="public_references",
    ),
    path("rattachements/<int:pk>/", views.attachment_decide_view, name="attachment_decide"),
    path("bulletin/", views.membership_form_view, name="form"),
    path("recus/<int:pk>.pdf", views.receipt_download_view, name="receipt"),
    path("mes-donnees.json", views.data_export_view, name="data_export"),
    path("supprimer-mon-compte/", views.account_delete_view, name="account_delete"),
]
