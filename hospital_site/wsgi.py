"""WSGI entry point, used by gunicorn (see gunicorn.conf.py)."""

import functools
import os

from django.core.wsgi import get_wsgi_application
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hospital_site.settings")
# A serving site opens its SQLite database file, never creates it (migrate does that).
os.environ.setdefault("DJANGO_DATABASE_MUST_EXIST", "true")


# Every byte value, and the "=" and "%" that values are made of: what a charset must decode.
EVERY_BYTE = bytes(range(256)) + b"=%"


@functools.lru_cache(maxsize=64)  # bounded: the names come from clients
def decodes_anything(charset):
    """Whether the charset is a text encoding that decodes any bytes as Django decodes the query
    and form values: with "replace" for what it cannot read (idna refuses "replace"; punycode
    fails on ordinary text)."""
    try:
        "a".encode(charset)  # LookupError for an unknown codec and for one that is no text encoding
        EVERY_BYTE.decode(charset, "replace")
    except (LookupError, UnicodeError, ValueError):
        return False
    return True


def refusing_odd_charsets(django_application):
    """A request whose Content-Type names a charset that cannot decode any query string loses the
    Content-Type's parameters (as if it named none: UTF-8).

    Django ignores an unknown charset but takes any codec Python has: "charset=rot13" (or base64,
    hex, punycode) then failed to decode the query string before any middleware ran, and gunicorn
    answered with its own 500 page.
    """

    def application(environ, start_response):
        content_type = environ.get("CONTENT_TYPE", "")
        if "charset" in content_type.lower():
            media_type, parameters = parse_header_parameters(content_type)
            charset = parameters.get("charset")
            if charset and not decodes_anything(charset.lower()):
                environ["CONTENT_TYPE"] = media_type
        return django_application(environ, start_response)

    return application


application = refusing_odd_charsets(get_wsgi_application())
