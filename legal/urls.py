from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/version/<int:number>/", views.version, name="version"),
]
