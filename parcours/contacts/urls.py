from django.urls import path

from . import views

# Included in the portal's namespace: portal:case_messages, portal:callback, …
urlpatterns = [
    path("dossiers/<str:reference>/messages/", views.case_messages, name="case_messages"),
    path("contact/ecrire/", views.write, name="write"),
    path("contact/rappel/", views.callback, name="callback"),
    path("contact/rappel/<int:pk>/", views.callback_confirmation, name="callback_confirmation"),
]
