from django.urls import path

from kemitraan import views_kemitraan as views

app_name = "kemitraan"

urlpatterns = [
    path("", views.kemitraan_list, name="list"),
    path("baru/", views.kemitraan_create_view, name="create"),
    path("<int:pk>/", views.kemitraan_detail, name="detail"),
    path("<int:pk>/ubah/", views.kemitraan_update_view, name="update"),
    path("<int:pk>/akhiri/", views.kemitraan_akhiri_view, name="akhiri"),
    path("<int:pk>/kesepakatan.pdf", views.kemitraan_pdf, name="pdf"),
    path("penghargaan/", views.penghargaan_list, name="penghargaan_list"),
    path("penghargaan/baru/", views.penghargaan_create_view, name="penghargaan_create"),
    path("penghargaan/<int:pk>/", views.penghargaan_detail, name="penghargaan_detail"),
    path("penghargaan/<int:pk>/ubah/", views.penghargaan_update_view, name="penghargaan_update"),
]
