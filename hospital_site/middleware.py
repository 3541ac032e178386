"""Security headers that Django 5.2 does not send itself, or not on every response; and URLs
that can be no page at all."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponseBadRequest

from departments.pages import outages
from hospital_site import errors


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy, Cross-Origin-Resource-Policy and
    X-Frame-Options on every response, and Django's nosniff, Referrer-Policy and COOP where its
    SecurityMiddleware did not get to send them.

    The outermost middleware, so that every response gets them: static files and cached pages
    (Django's XFrameOptionsMiddleware sits after both), SecurityMiddleware's own redirect to HTTPS,
    and the 400 for a foreign Host, which SecurityMiddleware raises before it sends its headers.
    `setdefault`, so a view that needs a different policy can set its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
            "X-Frame-Options": settings.X_FRAME_OPTIONS,
        }
        # As Django's SecurityMiddleware sends them, from the same settings.
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            self.headers["X-Content-Type-Options"] = "nosniff"
        if settings.SECURE_REFERRER_POLICY:
            self.headers["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            self.headers["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response


class AdminQueryMiddleware:
    """An admin page asked with a query the database would fail on is answered 400.

    The admin's lists filter and search the database with what the query says: PostgreSQL refuses
    NUL in text (`?source__exact=%00` was a 500), and a regular expression is compiled by the
    database, which refuses a broken one (`?name_en__regex=(` was a 500, or on SQLite a 503). No
    list of ours filters by a regular expression. (Public pages take care of their own: a NUL in
    a path is no page, a 404; search drops it. Forms refuse NUL in what is posted, with a message:
    Django's CharField does.)
    """

    REFUSED_LOOKUPS = ("__regex", "__iregex")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not (hasattr(view_func, "model_admin") or hasattr(view_func, "admin_site")):
            return None
        query = request.META.get("QUERY_STRING", "")
        if b"\x00" in unquote_to_bytes(query):
            return bad_request("A web address may not contain a NUL character.")
        if any(key.endswith(self.REFUSED_LOOKUPS) for key in request.GET):
            return bad_request("The admin's lists do not filter by regular expressions.")
        return None


def bad_request(message):
    return HttpResponseBadRequest(f"{message}\n", content_type="text/plain; charset=utf-8")


class DatabaseOutageMiddleware:
    """In the second after the database failed to answer, a view that needs it is answered with
    the 503 page at once, rather than each request waiting for the database's connect timeout
    (5 s on PostgreSQL) to learn what the last one learnt. After that second, the next request
    asks it.

    After the page cache, which serves what it has rendered. Views that work without the
    database (marked with departments.pages.outages.works_without_database: the health check, which
    asks it itself, photos, robots.txt) and addresses that are no page (404) are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if outages.DATABASE.recently_failed() and not getattr(view_func, "works_without_database", False):
            return errors.database_unavailable(request)
        return None
