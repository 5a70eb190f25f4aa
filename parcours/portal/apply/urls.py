from django.urls import path

from . import views

urlpatterns = [
    path("demarches/<slug:slug>/demande/", views.apply_start, name="apply_start"),
    path("brouillons/<int:pk>/etape/<int:step>/", views.apply_step, name="apply_step"),
    path("brouillons/<int:pk>/verifier/", views.apply_review, name="apply_review"),
    path("dossiers/<str:reference>/envoye/", views.apply_done, name="apply_done"),
]
