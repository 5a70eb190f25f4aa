from django.urls import path

from . import views

urlpatterns = [
    path("mon-profil/", views.profile, name="profile"),
    path("mon-profil/signaler/", views.identity_dispute, name="profile_dispute"),
]
