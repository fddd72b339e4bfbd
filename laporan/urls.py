from django.urls import path

from laporan import views

app_name = "laporan"

urlpatterns = [
    path("daftar-dukun.xlsx", views.daftar_dukun_excel, name="daftar_dukun_xlsx"),
    path("daftar-dukun/pdf/", views.daftar_dukun_pdf, name="daftar_dukun_pdf"),
    path("unduhan/", views.unduhan_list, name="unduhan_list"),
    path("unduhan/<int:pk>/", views.unduhan_detail, name="unduhan_detail"),
    path("unduhan/<int:pk>/berkas/", views.unduhan_file, name="unduhan_file"),
    # The monthly report of a Puskesmas: list, render, approve, reopen, the approved PDF.
    path("bulanan/", views.bulanan, name="bulanan"),
    path("bulanan/<int:pk>/<str:bulan>/minta/", views.bulanan_minta, name="bulanan_minta"),
    path("bulanan/<int:pk>/<str:bulan>/setujui/", views.bulanan_setujui, name="bulanan_setujui"),
    path("bulanan/<int:pk>/<str:bulan>/buka/", views.bulanan_buka, name="bulanan_buka"),
    path("bulanan/<int:pk>/<str:bulan>/render-ulang/", views.bulanan_render_ulang, name="bulanan_render_ulang"),
    path("bulanan/disetujui/<int:pk>/", views.bulanan_berkas, name="bulanan_berkas"),
    # The district report (Dinkes, administrator).
    path("kabupaten/", views.kabupaten, name="kabupaten"),
    path("kabupaten/minta/", views.kabupaten_minta, name="kabupaten_minta"),
]
