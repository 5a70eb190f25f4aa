from django.urls import path

from . import public

app_name = "results"

urlpatterns = [
    path("", public.index, name="index"),
    path("schema.json", public.schema, name="schema"),
    path("<slug:organisation>/", public.organisation_results, name="organisation"),
    path("<slug:organisation>/donnees.csv", public.open_data_csv, name="csv"),
    path("<slug:organisation>/donnees.json", public.open_data_json, name="json"),
]
