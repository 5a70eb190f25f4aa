from django.urls import path

from . import views

urlpatterns = [
    path("dossiers/<str:reference>/retirer/", views.withdraw, name="case_withdraw"),
    path("dossiers/<str:reference>/repondre/", views.answer, name="case_answer"),
]
