"""The site's URLs plus /bench/bare/: a view that returns a department page's bytes, untouched."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from hospital_site.urls import handler404, handler500  # noqa: F401
from hospital_site.urls import urlpatterns as site_urlpatterns

BARE_BODY = Path(os.environ["BENCH_BARE_FILE"]).read_bytes() if os.environ.get("BENCH_BARE_FILE") else b""


def bare(request):
    return HttpResponse(BARE_BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
