from django.urls import path

from . import views

# Included in the portal's namespace: portal:appointments, portal:appointment_book, …
urlpatterns = [
    path("rendez-vous/", views.start, name="appointments"),
    path("rendez-vous/mes-rendez-vous/", views.mine, name="appointments_mine"),
    path("rendez-vous/verification/", views.verify, name="appointment_verify"),
    path("rendez-vous/demarche/<slug:slug>/", views.procedure_types, name="appointment_types"),
    path("rendez-vous/<int:pk>/", views.slots, name="appointment_slots"),
    path("rendez-vous/<int:pk>/reserver/", views.book, name="appointment_book"),
    path(
        "rendez-vous/<int:pk>/liste-attente/", views.waiting_join, name="appointment_waiting_join"
    ),
    path("rendez-vous/gerer/<str:token>/", views.manage, name="appointment_manage"),
    path("rendez-vous/gerer/<str:token>/annuler/", views.cancel, name="appointment_cancel"),
    path("rendez-vous/gerer/<str:token>/deplacer/", views.move, name="appointment_move"),
    path(
        "rendez-vous/gerer/<str:token>/rendez-vous.ics",
        views.calendar_file,
        name="appointment_ics",
    ),
    path("rendez-vous/proposition/<str:token>/", views.offer, name="appointment_offer"),
    path("rendez-vous/liste-attente/<str:token>/", views.waiting, name="appointment_waiting"),
]
