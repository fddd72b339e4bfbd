"""The partnership programme's pages; each area has its own module and URL namespace."""

from django.urls import include, path

urlpatterns = [
    path("", include("kemitraan.urls_kemitraan")),
    path("pertemuan/", include("kemitraan.urls_pertemuan")),
    path("program/", include("kemitraan.urls_program")),
]
