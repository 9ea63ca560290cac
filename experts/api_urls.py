from django.urls import path

from experts import api

app_name = "generation"

urlpatterns = [
    path("callback/<uuid:public_id>", api.callback, name="callback"),
]
