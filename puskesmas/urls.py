from django.urls import path

from puskesmas import views

app_name = "puskesmas"

urlpatterns = [
    path("", views.puskesmas_list, name="list"),
    path("impor/", views.puskesmas_import, name="import"),
    path("<int:pk>/", views.puskesmas_detail, name="detail"),
    path("fasilitas/", views.fasilitas_list, name="fasilitas_list"),
    path("fasilitas/baru/", views.fasilitas_create, name="fasilitas_create"),
    path("fasilitas/<int:pk>/", views.fasilitas_detail, name="fasilitas_detail"),
    path("fasilitas/<int:pk>/ubah/", views.fasilitas_update, name="fasilitas_update"),
    path("bidan/", views.bidan_list, name="bidan_list"),
    path("bidan/baru/", views.bidan_create, name="bidan_create"),
    path("bidan/<int:pk>/", views.bidan_detail, name="bidan_detail"),
    path("bidan/<int:pk>/ubah/", views.bidan_update, name="bidan_update"),
]
