"""The dashboards, under /dasbor/."""

from django.urls import path

from laporan import views_dasbor as views

app_name = "dasbor"
urlpatterns = [
    path("", views.index, name="index"),
    path("puskesmas/<int:pk>/", views.puskesmas, name="puskesmas"),
    path("kabupaten/<str:kode>/", views.kabupaten, name="kabupaten"),
    path("kelurahan/<str:kode>/", views.kelurahan, name="kelurahan"),
]
