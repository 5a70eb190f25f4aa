from django.urls import path

from . import views

urlpatterns = [
    path("mes-informations/", views.information, name="information"),
    path(
        "mes-informations/accords/<int:pk>/retirer/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
