"""/healthz: for load balancers and monitoring.

200 "ok" when the site can serve its pages: its database answers, with the site's tables (a
missing file, or a new database without them, does not count). The shared cache is only an
optimisation: when it does not answer the check still says 200, with a second line saying so.
503 when the database does not answer.
"""

from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from departments import selectors
from departments.pages import outages
from departments.pages.outages import works_without_database
from hospital_site.errors import RETRY_AFTER_SECONDS


@works_without_database  # it asks the database itself
@never_cache
@require_safe
def healthz(request):
    # Not asked again in the second after it failed (this very request's page cache may just have
    # waited for its connect timeout): the truth is at most a second old.
    if outages.DATABASE.recently_failed():
        return unavailable()
    try:
        # The site's own table, not "SELECT 1": that also answers on an empty database.
        selectors.content_version()
    except DatabaseError as error:
        outages.DATABASE.failed(error)
        return unavailable()
    outages.DATABASE.answered()
    lines = ["ok"]
    try:
        caches["default"].get("healthz")
    except Exception:  # whatever the cache backend raises
        lines.append("shared cache unavailable: pages are rendered without it")
    return HttpResponse("".join(f"{line}\n" for line in lines), content_type="text/plain")


def unavailable():
    response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
