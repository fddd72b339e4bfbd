from django.urls import path

from kemitraan import views_pertemuan as views

app_name = "pertemuan"

urlpatterns = [
    path("", views.pertemuan_list, name="list"),
    path("baru/", views.pertemuan_create_view, name="create"),
    path("<int:pk>/", views.pertemuan_detail, name="detail"),
    path("<int:pk>/ubah/", views.pertemuan_update_view, name="update"),
    path("<int:pk>/terlaksana/", views.pertemuan_laksanakan_view, name="laksanakan"),
    path("<int:pk>/batalkan/", views.pertemuan_batal_view, name="batal"),
    path("<int:pk>/hapus/", views.pertemuan_hapus_view, name="hapus"),
    path("<int:pk>/hadir/bidan/<int:bidan_pk>/", views.hadir_bidan, name="hadir_bidan"),
    path("<int:pk>/hadir/dukun/<int:dukun_pk>/", views.hadir_dukun, name="hadir_dukun"),
    path("<int:pk>/lintas-sektor/tambah/", views.lintas_sektor_tambah, name="lintas_sektor_tambah"),
    path("<int:pk>/lintas-sektor/<int:peserta_pk>/hapus/", views.lintas_sektor_hapus, name="lintas_sektor_hapus"),
    path("<int:pk>/lampiran/unggah/", views.lampiran_unggah_view, name="lampiran_unggah"),
    path("<int:pk>/tindak-lanjut/tambah/", views.tindak_lanjut_tambah, name="tindak_lanjut_tambah"),
    path("lampiran/<int:pk>/", views.lampiran_unduh, name="lampiran"),
    path("lampiran/<int:pk>/hapus/", views.lampiran_hapus_view, name="lampiran_hapus"),
    path("tindak-lanjut/", views.tindak_lanjut_list, name="tindak_lanjut_list"),
    path("tindak-lanjut/saya/", views.tindak_lanjut_saya, name="tindak_lanjut_saya"),
    path("tindak-lanjut/<int:pk>/tutup/", views.tindak_lanjut_tutup_view, name="tindak_lanjut_tutup"),
]
