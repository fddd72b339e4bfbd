from django.urls import path

from akun import views

app_name = "akun"

urlpatterns = [
    path("sesi/", views.sesi_list, name="sesi_list"),
    path("sesi/<int:pk>/akhiri/", views.sesi_akhiri_view, name="sesi_akhiri"),
    path("sesi/akhiri-lainnya/", views.sesi_akhiri_lainnya_view, name="sesi_akhiri_lainnya"),
    path("kata-sandi/", views.GantiSandiView.as_view(), name="ganti_sandi"),
    path("dua-langkah/", views.dua_langkah, name="dua_langkah"),
    path("dua-langkah/atur/", views.dua_langkah_atur, name="dua_langkah_atur"),
    path("dua-langkah/verifikasi/", views.dua_langkah_verifikasi_view, name="dua_langkah_verifikasi"),
    path("dua-langkah/kode-cadangan/", views.dua_langkah_kode_cadangan, name="dua_langkah_kode_cadangan"),
    path("dua-langkah/matikan/", views.dua_langkah_nonaktifkan_view, name="dua_langkah_nonaktifkan"),
]
