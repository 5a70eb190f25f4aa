from django.urls import path

from .views import actions, appointments, cases, message_templates, opinions, queue, sign_in, team

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
    # The agent's actions on a case (views/actions.py): one URL each.
    path("dossiers/<str:reference>/instruire/", actions.start_review, name="case_start_review"),
    path("dossiers/<str:reference>/message/", actions.message, name="case_message"),
    path(
        "dossiers/<str:reference>/demande-de-pieces/",
        actions.request_information,
        name="case_request_information",
    ),
    path("dossiers/<str:reference>/decision/", actions.decide, name="case_decide"),
    path("dossiers/<str:reference>/classement/", actions.close, name="case_close"),
    path("dossiers/<str:reference>/passer-la-main/", actions.hand_over, name="case_hand_over"),
    path("dossiers/<str:reference>/transmettre/", actions.reroute, name="case_reroute"),
    path("dossiers/<str:reference>/demande-d-avis/", actions.ask_opinion, name="case_ask_opinion"),
    path("dossiers/<str:reference>/note/", actions.note, name="case_note"),
    path("avis/", opinions.opinion_list, name="opinions"),
    path("avis/<int:pk>/", opinions.opinion_detail, name="opinion"),
    path("modeles/", message_templates.template_list, name="message_templates"),
    path("modeles/nouveau/", message_templates.template_edit, name="message_template_new"),
    path("modeles/<int:pk>/", message_templates.template_edit, name="message_template"),
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
