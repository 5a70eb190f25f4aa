from django.urls import path

from . import experiences, feedback

urlpatterns = [
    path("avis/merci/", feedback.thanks, name="feedback_thanks"),
    path("avis/<uuid:public_id>/<str:token>/", feedback.answer, name="feedback"),
    path("experiences/", experiences.index, name="experiences"),
    path("experiences/raconter/", experiences.new, name="experience_new"),
    path("experiences/envoyee/", experiences.sent, name="experience_sent"),
    path(
        "experiences/confirmer/<uuid:public_id>/<str:token>/",
        experiences.confirm,
        name="experience_confirm",
    ),
    path("experiences/<slug:slug>/", experiences.of_organisation, name="experiences_of"),
]
