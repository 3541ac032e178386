"""The site's URLs and error handlers, plus a page that fails, for tests/test_errors.py."""

from django.urls import path

from hospital_site.urls import handler404, handler500, urlpatterns  # noqa: F401 - used by Django


def broken_page(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [
    path("en/broken/", broken_page),
    path("zh-hans/broken/", broken_page),
    *urlpatterns,
]
