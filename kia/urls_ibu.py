from django.urls import path

from kia import views_ibu

urlpatterns = [
    path("ibu/", views_ibu.ibu_list, name="ibu_list"),
    path("ibu/baru/", views_ibu.ibu_create_view, name="ibu_create"),
    path("ibu/cari-nik/", views_ibu.ibu_cari_nik, name="ibu_cari_nik"),
    path("ibu/<int:pk>/", views_ibu.ibu_detail, name="ibu_detail"),
    path("ibu/<int:pk>/ubah/", views_ibu.ibu_update_view, name="ibu_update"),
    path("ibu/<int:pk>/kehamilan/baru/", views_ibu.kehamilan_create_view, name="kehamilan_create"),
    path("kehamilan/<int:pk>/ubah/", views_ibu.kehamilan_update_view, name="kehamilan_update"),
]
