"""Security headers that Django 5.2 does not send itself, or not on every response; and URLs
that can be no page at all."""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponseBadRequest


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy, Cross-Origin-Resource-Policy and
    X-Frame-Options on every response.

    Placed before WhiteNoise and the page cache, so static files and cached pages get them too
    (Django's XFrameOptionsMiddleware sits after both). `setdefault`, so a view that needs a
    different policy can set its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
            "X-Frame-Options": settings.X_FRAME_OPTIONS,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response


class AdminNulMiddleware:
    """An admin page asked with a NUL character in its query is answered 400.

    The admin's lists filter and search the database with what the query says, and PostgreSQL
    refuses NUL in text: `?source__exact=%00` was a 500 there. (Public pages take care of their
    own: a NUL in a path is no page, a 404; search drops it. Forms refuse NUL in what is posted,
    with a message: Django's CharField does.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        is_admin = hasattr(view_func, "model_admin") or hasattr(view_func, "admin_site")
        if is_admin and b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                "A web address may not contain a NUL character.\n", content_type="text/plain; charset=utf-8"
            )
        return None
