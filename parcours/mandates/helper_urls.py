from django.urls import path

from . import views

app_name = "helpers"

urlpatterns = [
    path("", views.home, name="home"),
    path("mandats/nouveau/", views.mandate_new, name="mandate_new"),
    path("mandats/<int:pk>/", views.mandate_detail, name="mandate"),
    path("mandats/<int:pk>/code/", views.mandate_code, name="code"),
    path("mandats/<int:pk>/demarches/<slug:slug>/", views.mandate_start, name="start"),
    path("mandats/<int:pk>/dossiers/<str:reference>/", views.case_detail, name="case"),
    path(
        "mandats/<int:pk>/dossiers/<str:reference>/pieces/envoyer/",
        views.case_documents,
        name="case_documents",
    ),
    path(
        "mandats/<int:pk>/dossiers/<str:reference>/repondre/",
        views.case_answer,
        name="case_answer",
    ),
]
