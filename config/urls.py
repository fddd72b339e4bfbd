from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from puskesmas import views as puskesmas_views

urlpatterns = [
    path("", puskesmas_views.home, name="home"),
    path("healthz", puskesmas_views.healthz, name="healthz"),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", include("akun.urls")),
    path("puskesmas/", include("puskesmas.urls")),
    path("dukun/", include("dukun.urls")),
    path("laporan/", include("laporan.urls")),
    path("dasbor/", include("laporan.urls_dasbor")),
    path("kemitraan/", include("kemitraan.urls")),
    path("kia/", include("kia.urls")),
    path("audit/", include("audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "config.errors.forbidden"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
