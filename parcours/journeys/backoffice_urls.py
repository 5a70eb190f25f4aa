from django.urls import path

from . import views

app_name = "journeys_backoffice"

urlpatterns = [
    path("", views.backoffice_journeys, name="list"),
    path("<int:pk>/", views.backoffice_journey, name="journey"),
    path("<int:pk>/coordonner/", views.backoffice_take, name="take"),
    path("<int:pk>/cloture/", views.backoffice_close, name="close"),
    path("<int:pk>/dossiers/<str:reference>/", views.backoffice_case, name="case"),
]
