from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parcours.health.views import healthz, readyz
from parcours.observability.metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("compte/", include("parcours.accounts.urls")),
    path("agents/statistiques/", include("parcours.stats.urls")),
    path("agents/parcours/", include("parcours.journeys.backoffice_urls")),
    path("agents/", include("parcours.backoffice.urls")),
    path("agents/", include("parcours.channels.urls")),
    path("aidant/", include("parcours.mandates.helper_urls")),
    path("mes-mandats/", include("parcours.mandates.urls")),
    path("", include("parcours.journeys.urls")),
    path("api/v1/", include("parcours.api.urls")),
    path("open311/v2/", include("parcours.open311.urls")),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("resultats/", include("parcours.stats.public_urls")),
    path("", include("parcours.portal.urls")),
]
