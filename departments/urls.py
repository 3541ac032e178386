from django.urls import path

from departments.pages import api_docs, views

app_name = "departments"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("departments/", views.directory, name="directory"),
    path("departments/page/<int:page>/", views.directory, name="directory-page"),
    path("departments/<slug:slug>/", views.DepartmentDetailView.as_view(), name="detail"),
    path("conditions/", views.conditions, name="conditions"),
    path("sources/<slug:name>/", views.source, name="source"),
    path("search/", views.search, name="search"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("open-data/", api_docs.documentation, name="open-data"),
]
