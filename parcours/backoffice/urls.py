from django.urls import path

from .views import cases, queue, sign_in, team

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
]
