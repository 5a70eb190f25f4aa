from django.urls import path

from parcours.portal.correction import views as correction

from . import views

urlpatterns = [
    path("dossiers/<str:reference>/retirer/", views.withdraw, name="case_withdraw"),
    path("dossiers/<str:reference>/repondre/", views.answer, name="case_answer"),
    path(
        "dossiers/<str:reference>/pieces/envoyer/",
        views.send_documents,
        name="case_send_documents",
    ),
    # Right to make a mistake: correct the answers, review the changes, confirm.
    path("dossiers/<str:reference>/corriger/", correction.correct, name="case_correct"),
    path(
        "dossiers/<str:reference>/corriger/verifier/",
        correction.review,
        name="case_correct_review",
    ),
]
