"""Deliveries with their babies, and the alerts with their case review."""

from django.urls import path

from kia import views_persalinan as views

urlpatterns = [
    path("persalinan/", views.persalinan_list, name="persalinan_list"),
    path("ibu/<int:ibu>/persalinan/baru/", views.persalinan_create_view, name="persalinan_create"),
    path("persalinan/<int:pk>/", views.persalinan_detail, name="persalinan_detail"),
    path("persalinan/<int:pk>/ubah/", views.persalinan_update_view, name="persalinan_update"),
    path("bayi/<int:pk>/ubah/", views.bayi_update_view, name="bayi_update"),
    path("kajian/", views.kajian_list, name="kajian_list"),
    path("kajian/<int:pk>/", views.kajian_detail, name="kajian_detail"),
]
