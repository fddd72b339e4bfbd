from django.urls import path

from laporan import views

app_name = "laporan"

urlpatterns = [
    path("daftar-dukun.xlsx", views.daftar_dukun_excel, name="daftar_dukun_xlsx"),
    path("daftar-dukun/pdf/", views.daftar_dukun_pdf, name="daftar_dukun_pdf"),
    path("unduhan/", views.unduhan_list, name="unduhan_list"),
    path("unduhan/<int:pk>/", views.unduhan_detail, name="unduhan_detail"),
    path("unduhan/<int:pk>/berkas/", views.unduhan_file, name="unduhan_file"),
]
