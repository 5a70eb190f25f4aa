"""The procedure studio's addresses, under /agents/atelier/ (views/studio.py)."""

from django.urls import path

from .views import studio

urlpatterns = [
    path("", studio.procedure_list, name="studio"),
    path("importer/", studio.import_procedure, name="studio_import"),
    path("<int:pk>/", studio.procedure_overview, name="studio_procedure"),
    path("<int:pk>/brouillon/", studio.draft_start, name="studio_draft_start"),
    path("<int:pk>/publier/", studio.publish, name="studio_publish"),
    path("<int:pk>/page/", studio.public_page, name="studio_public"),
    path("<int:pk>/formulaire/", studio.questions, name="studio_form"),
    path("<int:pk>/formulaire/<slug:name>/", studio.question, name="studio_form_field"),
    path("<int:pk>/agents/", studio.questions, {"scope": "private"}, name="studio_private"),
    path(
        "<int:pk>/agents/<slug:name>/",
        studio.question,
        {"scope": "private"},
        name="studio_private_field",
    ),
    path("<int:pk>/documents/", studio.documents, name="studio_documents"),
    path("<int:pk>/orientation/", studio.routing, name="studio_routing"),
    path("<int:pk>/cadre-legal/", studio.legal, name="studio_legal"),
    path("<int:pk>/engagements/", studio.commitments, name="studio_commitments"),
    path("<int:pk>/messages/", studio.messages_page, name="studio_messages"),
    path("<int:pk>/apercu/", studio.preview, name="studio_preview"),
    path("<int:pk>/apercu/etape/<int:step>/", studio.preview_step, name="studio_preview_step"),
    path("<int:pk>/versions/<int:old>/<int:new>/", studio.compare, name="studio_compare"),
    path("<int:pk>/export.json", studio.export, name="studio_export"),
]
