from django.urls import path

from .views import appointments, cases, queue, sign_in, team

app_name = "backoffice"

urlpatterns = [
    path("connexion/", sign_in.sign_in, name="login"),
    path("connexion/code/", sign_in.verify, name="verify"),
    path("connexion/application/", sign_in.enrol, name="enrol"),
    path("deconnexion/", sign_in.sign_out, name="logout"),
    path("", queue.home, name="home"),
    path("files/<slug:unit>/", queue.unit_queue, name="queue"),
    path("files/<slug:unit>/suivant/", queue.claim_next, name="claim_next"),
    path("mes-dossiers/", queue.my_cases, name="my_cases"),
    path("equipe/", team.team_home, name="team_home"),
    path("equipe/<slug:unit>/", team.team, name="team"),
    path("dossiers/<str:reference>/", cases.case_detail, name="case"),
    path("dossiers/<str:reference>/prendre/", cases.take, name="case_take"),
    path("dossiers/<str:reference>/reattribuer/", team.reassign, name="case_reassign"),
    path("dossiers/<str:reference>/pieces/<int:pk>/", cases.document, name="document"),
    path("rendez-vous/", appointments.home, name="appointments"),
    path("rendez-vous/<slug:unit>/jour/", appointments.day, name="appointments_day"),
    path("rendez-vous/<slug:unit>/semaine/", appointments.week, name="appointments_week"),
    path("rendez-vous/<slug:unit>/reserver/", appointments.book, name="appointment_book"),
    path("rendez-vous/<slug:unit>/fermeture/", appointments.closure, name="appointment_closure"),
    path("rendez-vous/<int:pk>/", appointments.detail, name="appointment"),
    path("rendez-vous/<int:pk>/arrivee/", appointments.check_in, name="appointment_check_in"),
    path("rendez-vous/<int:pk>/absence/", appointments.no_show, name="appointment_no_show"),
    path("rendez-vous/<int:pk>/recevoir/", appointments.take, name="appointment_take"),
    path("rendez-vous/<int:pk>/note/", appointments.note, name="appointment_note"),
    path("rendez-vous/<int:pk>/annuler/", appointments.cancel, name="appointment_cancel"),
]
