from django.urls import path

from kia import views_impor

urlpatterns = [
    path("persalinan/impor/", views_impor.impor_persalinan, name="impor_persalinan"),
    path("persalinan/impor/templat.<str:fmt>", views_impor.impor_templat, name="impor_templat"),
    path("sasaran/", views_impor.sasaran, name="sasaran"),
]
