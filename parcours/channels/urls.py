from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("courriels/", views.triage, name="triage"),
    path("courriels/<int:pk>/", views.inbound_detail, name="inbound"),
    path("courriels/<int:pk>/original.eml", views.inbound_raw, name="inbound_raw"),
    path("echanges/nouveau/", views.contact_new, name="contact_new"),
    path("echanges/<int:pk>/courrier.pdf", views.contact_scan, name="contact_scan"),
    path("personnes/<int:pk>/echange/", views.person_contact, name="person_contact"),
    path("personnes/<int:pk>/demande/", views.assisted_start, name="assisted_start"),
    path("demandes/<int:pk>/", views.assisted_fill, name="assisted_fill"),
    path("demandes/<int:pk>/pieces/", views.assisted_document, name="assisted_document"),
    path("demandes/<str:reference>/envoyee/", views.assisted_done, name="assisted_done"),
    path(
        "demandes/<str:reference>/accuse-de-reception.pdf",
        views.assisted_receipt_pdf,
        name="assisted_receipt_pdf",
    ),
    path("doublons/", views.duplicates, name="duplicates"),
    path("doublons/<int:first>-<int:second>/", views.duplicate_pair, name="duplicate_pair"),
    path("fusions/<int:pk>/", views.merge_detail, name="merge"),
    path("rappels/", views.callbacks, name="callbacks"),
    path("rappels/<int:pk>/", views.callback_detail, name="callback"),
    path("personnes/<int:pk>/rappel/", views.person_callback, name="person_callback"),
]
