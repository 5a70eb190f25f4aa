from django.urls import path

from . import views

urlpatterns = [
    path("demarches/<slug:slug>/demande/", views.apply_start, name="apply_start"),
    path("brouillons/<int:pk>/etape/<int:step>/", views.apply_step, name="apply_step"),
    path("brouillons/<int:pk>/pieces/", views.apply_documents, name="apply_documents"),
    path(
        "brouillons/<int:pk>/pieces/<int:document_pk>/retirer/",
        views.apply_document_remove,
        name="apply_document_remove",
    ),
    path("brouillons/<int:pk>/verifier/", views.apply_review, name="apply_review"),
    path("dossiers/<str:reference>/envoye/", views.apply_done, name="apply_done"),
]
