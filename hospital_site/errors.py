"""Error pages that need no database: 400, 404 (JSON under /api/), 500, and 503 when the database is
unreachable."""

import sys

from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils import translation

from departments.pages import api, outages
from departments.pages.outages import DATABASE_UNREACHABLE

# How long a client should wait before trying again when the database is unreachable.
RETRY_AFTER_SECONDS = 60


def bad_request(request, exception):
    """Rendered without the request: Django's own 400 view reads the CSRF token, which reads the
    posted form again, and a form whose encoding could not be read then failed twice, as a 500."""
    with translation.override(language_of(request)):
        return HttpResponseBadRequest(loader.render_to_string("400.html"))


def page_not_found(request, exception):
    if api.is_data_path(request.path_info):
        return api.not_found()
    # Without the department navigation, the only part of the page that reads the database.
    context = {"hide_navigation": True}
    with translation.override(language_of(request)):
        return HttpResponseNotFound(loader.render_to_string("404.html", context, request=request))


def language_of(request):
    """The language the URL names; the active one where it names none (or before LocaleMiddleware)."""
    return translation.get_language_from_path(request.path_info) or translation.get_language()


def server_error(request):
    """Django calls this for any exception a view or middleware did not handle.

    It is called while that exception is being handled, so it can tell a database outage (a 503,
    "try again shortly") from a bug (a 500). Both pages render without a request context, so
    they need no database.
    """
    # The failure may have come before LocaleMiddleware chose the language: take it from the URL.
    with translation.override(language_of(request)):
        error = sys.exc_info()[1]
        if isinstance(error, DATABASE_UNREACHABLE) and not database_answers():
            outages.DATABASE.failed(error)
            return database_unavailable(request)
        return HttpResponseServerError(loader.render_to_string("500.html"))


def database_answers():
    """Whether the database answers now. An OperationalError is not always an outage: SQLite
    raises it, for example, for a failing function in a query (a broken regular expression).
    Not asked in the second after it failed to answer (departments.pages.outages)."""
    if outages.DATABASE.recently_failed():
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # whatever keeps it from answering: this page must render all the same
        return False
    return True


def database_unavailable(request):
    with translation.override(language_of(request)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
