"""Mothers, referrals, deliveries, case reviews, targets and the register import, under /kia/."""

from django.urls import include, path

app_name = "kia"

urlpatterns = [
    path("", include("kia.urls_ibu")),
    path("", include("kia.urls_rujukan")),
    path("", include("kia.urls_persalinan")),
    path("", include("kia.urls_impor")),
]
