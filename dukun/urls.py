from django.urls import path

from dukun import views

app_name = "dukun"

urlpatterns = [
    path("", views.dukun_list, name="list"),
    path("baru/", views.dukun_create_view, name="create"),
    path("peta/", views.dukun_peta, name="peta"),
    path("<int:pk>/", views.dukun_detail, name="detail"),
    path("<int:pk>/ubah/", views.dukun_update_view, name="update"),
]
