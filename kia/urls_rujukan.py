from django.urls import path

from kia import views_rujukan

urlpatterns = [
    path("rujukan/", views_rujukan.rujukan_list, name="rujukan_list"),
    path("ibu/<int:ibu>/rujukan/baru/", views_rujukan.rujukan_create_view, name="rujukan_create"),
    path("rujukan/<int:pk>/", views_rujukan.rujukan_detail, name="rujukan_detail"),
    path("rujukan/<int:pk>/ubah/", views_rujukan.rujukan_update_view, name="rujukan_update"),
    path("rujukan/<int:pk>/status/", views_rujukan.rujukan_status, name="rujukan_status"),
    path("rujukan/<int:pk>/surat.pdf", views_rujukan.rujukan_pdf, name="rujukan_pdf"),
]
