from django.urls import path

from departments.pages import api, api_docs

app_name = "api"
urlpatterns = [
    path("hospital/", api.hospital, name="hospital"),
    path("departments/", api.departments, name="departments"),
    path("departments/<slug:slug>/", api.department, name="department"),
    path("figures.csv", api.figures_csv, name="figures-csv"),
    path("openapi.json", api_docs.openapi, name="openapi"),
]
