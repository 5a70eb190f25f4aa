from django.urls import path

from . import views

urlpatterns = [
    path("mes-donnees/journal/", views.journal, name="data_journal"),
]
