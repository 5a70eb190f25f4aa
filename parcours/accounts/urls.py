from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("lien/", views.magic_link_request, name="magic_link"),
    path("lien/envoye/", views.magic_link_sent, name="magic_link_sent"),
    path("lien/<uidb64>/<token>/", views.magic_link_confirm, name="magic_link_confirm"),
    path("franceconnect/", views.IdentityProviderStartView.as_view(), name="oidc_start"),
    path(
        "franceconnect/retour/",
        views.IdentityProviderCallbackView.as_view(),
        name="oidc_callback",
    ),
]
