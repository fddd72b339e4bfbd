from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.jejak_list, name="jejak_list"),
    path("ibu/<int:pk>/", views.ibu_pembaca, name="ibu_pembaca"),
]
