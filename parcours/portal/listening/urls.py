from django.urls import path

from . import complaints, experiences, feedback, ideas

urlpatterns = [
    path("avis/merci/", feedback.thanks, name="feedback_thanks"),
    path("avis/<str:token>/", feedback.answer, name="feedback"),
    path("experiences/", experiences.index, name="experiences"),
    path("experiences/raconter/", experiences.new, name="experience_new"),
    path("experiences/envoyee/", experiences.sent, name="experience_sent"),
    path("experiences/confirmer/<str:token>/", experiences.confirm, name="experience_confirm"),
    path("experiences/<slug:slug>/", experiences.of_organisation, name="experiences_of"),
    path("reclamations/", complaints.index, name="complaints"),
    path("reclamations/nouvelle/", complaints.new, name="complaint_new"),
    path("reclamations/<str:reference>/", complaints.detail, name="complaint"),
    path("idees/", ideas.index, name="ideas"),
    path("idees/<slug:slug>/", ideas.of_organisation, name="ideas_of"),
    path("idees/<slug:slug>/vous-avez-dit/", ideas.you_said_we_did, name="you_said_we_did"),
    path("idees/<slug:slug>/<int:pk>/", ideas.detail, name="idea"),
    path("idees/<slug:slug>/<int:pk>/soutenir/", ideas.support, name="idea_support"),
    path("idees/<slug:slug>/<int:pk>/commenter/", ideas.comment, name="idea_comment"),
]
