"""Security headers that Django 5.2 does not send itself, or not on every response."""

from django.conf import settings


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
