from django.urls import path

from . import views

app_name = "mandates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/revoquer/", views.revoke, name="revoke"),
]
