from django.urls import path

from .registrations import views
from .surveys import views as survey_views

app_name = "catalogue"

urlpatterns = [
    path("session/<int:session_id>/", views.register, name="register"),
    path("appel/<int:call_id>/candidature/", views.apply, name="apply"),
    path("mes-inscriptions/", views.my_registrations, name="my_registrations"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/agenda.ics", views.registration_ics, name="registration_ics"),
    path("enquete/<str:token>/", survey_views.answer, name="survey"),
]
