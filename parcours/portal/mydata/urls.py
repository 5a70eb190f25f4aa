from django.urls import path

from . import views

urlpatterns = [
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/journal/", views.journal, name="data_journal"),
    path("mes-donnees/copie.json", views.export_json, name="data_export_json"),
    path("mes-donnees/copie/", views.export_html, name="data_export_html"),
    path("mes-donnees/copie.pdf", views.export_pdf, name="data_export_pdf"),
]
