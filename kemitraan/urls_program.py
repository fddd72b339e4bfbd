from django.urls import path

from kemitraan import views_program as views

app_name = "program"

urlpatterns = [
    path("", views.input_program, name="input"),
    path("jadwal/", views.jadwal, name="jadwal"),
    path("jadwal/rencana/", views.rencana_update, name="rencana"),
    path("dana/", views.dana, name="dana"),
    path("dana/anggaran/tambah/", views.anggaran_create, name="anggaran_create"),
    path("dana/anggaran/<int:pk>/", views.anggaran_detail, name="anggaran_detail"),
    path("dana/anggaran/<int:pk>/ubah/", views.anggaran_update, name="anggaran_update"),
    path("dana/pengeluaran/tambah/", views.pengeluaran_create, name="pengeluaran_create"),
    path("dana/pengeluaran/<int:pk>/", views.pengeluaran_detail, name="pengeluaran_detail"),
    path("dana/pengeluaran/<int:pk>/ubah/", views.pengeluaran_update, name="pengeluaran_update"),
    path("sarana/", views.sarana_list, name="sarana_list"),
    path("sarana/tambah/", views.sarana_create, name="sarana_create"),
    path("sarana/<int:pk>/", views.sarana_detail, name="sarana_detail"),
    path("sarana/<int:pk>/ubah/", views.sarana_update, name="sarana_update"),
    path("kit/", views.kit_list, name="kit_list"),
    path("kit/tambah/", views.kit_create, name="kit_create"),
    path("kit/<int:pk>/", views.kit_detail, name="kit_detail"),
    path("kit/<int:pk>/ubah/", views.kit_update, name="kit_update"),
    path("pelatihan/", views.pelatihan_list, name="pelatihan_list"),
    path("pelatihan/tambah/", views.pelatihan_create, name="pelatihan_create"),
    path("pelatihan/<int:pk>/", views.pelatihan_detail, name="pelatihan_detail"),
    path("pelatihan/<int:pk>/ubah/", views.pelatihan_update, name="pelatihan_update"),
    path("notifikasi/", views.notifikasi_list, name="notifikasi_list"),
    path("notifikasi/baca-semua/", views.notifikasi_baca_semua, name="notifikasi_baca_semua"),
    path("notifikasi/<int:pk>/baca/", views.notifikasi_baca, name="notifikasi_baca"),
    path("notifikasi/<int:pk>/buka/", views.notifikasi_buka, name="notifikasi_buka"),
]
