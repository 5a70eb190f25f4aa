from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path("evenements-de-vie/", views.life_events, name="life_events"),
    path("evenements-de-vie/<slug:slug>/", views.life_event, name="life_event"),
    path("evenements-de-vie/<slug:slug>/commencer/", views.start, name="start"),
    path("mes-parcours/", views.mine, name="mine"),
    path("mes-parcours/<int:pk>/", views.journey, name="journey"),
    path("mes-parcours/<int:pk>/arreter/", views.abandon, name="abandon"),
    path(
        "mes-parcours/<int:pk>/etapes/<int:step_pk>/commencer/",
        views.start_step,
        name="start_step",
    ),
]
