from django.urls import path

from . import views

urlpatterns = [
    path("demarches/", views.procedures, name="procedures"),
    path("demarches/<slug:slug>/", views.procedure, name="procedure"),
]
