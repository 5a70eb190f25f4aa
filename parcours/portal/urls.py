from django.urls import include, path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # Each area of the citizen space keeps its own URL module.
    path("", include("parcours.portal.catalogue.urls")),
    path("", include("parcours.portal.apply.urls")),
    path("", include("parcours.portal.space.urls")),
    path("", include("parcours.portal.profile.urls")),
    path("", include("parcours.portal.information.urls")),
    path("", include("parcours.portal.mydata.urls")),
    path("", include("parcours.contacts.urls")),
    path("", include("parcours.portal.appointments.urls")),
    path("", include("parcours.portal.listening.urls")),
    path("contact/", views.contact, name="contact"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("dossiers/", views.cases, name="cases"),
    path("dossiers/<str:reference>/", views.case_detail, name="case"),
    path("dossiers/<str:reference>/accuse-de-reception/", views.receipt, name="receipt"),
    path("dossiers/<str:reference>/accuse-de-reception.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("dossiers/<str:reference>/pieces/<int:pk>/", views.document, name="document"),
    path("dossiers/<str:reference>/decisions/<int:pk>/", views.decision_letter, name="decision"),
    path(
        "dossiers/<str:reference>/decisions/<int:pk>.pdf",
        views.decision_letter_pdf,
        name="decision_pdf",
    ),
]
