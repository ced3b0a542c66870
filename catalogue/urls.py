from django.urls import path

from .attendance import views as attendance_views
from .registrations import views
from .surveys import views as survey_views

app_name = "catalogue"

urlpatterns = [
    path("session/<int:session_id>/", views.register, name="register"),
    path("appel/<int:call_id>/candidature/", views.apply, name="apply"),
    path("mes-inscriptions/", views.my_registrations, name="my_registrations"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/agenda.ics", views.registration_ics, name="registration_ics"),
    path(
        "emargement/<int:session_id>/<str:key>/<str:code>/",
        attendance_views.sign,
        name="sign",
    ),
    path("<int:pk>/emarger/<str:key>/", attendance_views.sign_online, name="sign_online"),
    path("<int:pk>/certificat.pdf", attendance_views.certificate, name="certificate"),
    path("enquete/<str:token>/", survey_views.answer, name="survey"),
]
