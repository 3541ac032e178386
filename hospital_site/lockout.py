"""Admin login lockout with django-axes: who the client is behind our proxy, and the backend."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


def client_ip(request):
    """The address the request came from, as seen by the outermost proxy we run.

    Each trusted proxy (nginx in deploy/) appends the address it saw to X-Forwarded-For, so the
    entry DJANGO_TRUSTED_PROXIES places from the right is the client's. Anything further left was
    written by the client and is ignored: prepending a fake address does not escape a lockout.
    With no trusted proxy the header is ignored altogether. Anything that is not an IP address
    gives None: PostgreSQL's address column would refuse it.
    """
    proxies = settings.TRUSTED_PROXIES
    forwarded = [
        entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        address = forwarded[-proxies]
    else:
        address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class LockoutBackend(AxesStandaloneBackend):
    """Axes's check, for logins that come from a request.

    A login without a request (the test client's `login()`, a shell) has no client address to
    lock out; Axes would refuse it outright, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
