"""A bounded fuzz of the deployed site: a few thousand odd requests against a real gunicorn.

The other tests ask for what pages should do. This one asks what no page expects (broken and
overlong percent-encoding, NUL, CJK and emoji, `..`, huge segments, garbage headers, cookies and
bodies, foreign hosts, admin lookups, requests that are not HTTP at all) and checks the promises
that must hold whatever is asked: no 5xx, and every response Django makes carries the security
headers (HSTS too over HTTPS). A foreign Host is a 400.

gunicorn answers some requests itself, before Django sees them: those it cannot parse or that
exceed its limits. Its own error page has no Server header and no security headers; that is
accepted only for requests made malformed on purpose (each case says why), never for a
well-formed one. Django's answers are always checked in full.

Requests come from a seeded random.Random: FUZZ_SEED=<n> replays a run (every failure message
names its seed), FUZZ_REQUESTS=<n> changes how many are made. The run stops after FUZZ_SECONDS
(60 by default) whatever happens.
"""

import http.client
import os
import random
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

from tests.support.headers import HSTS, PRODUCTION_EVERY_RESPONSE
from tests.support.serving import (
    ROOT,
    Gunicorn,
    Response,
    address_of,
    clean_env,
    free_port,
    manage,
    production_site,
    request,
)

SEED = int(os.environ.get("FUZZ_SEED", 20240601))
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", 3000))
SECONDS = float(os.environ.get("FUZZ_SECONDS", 60))
CLIENTS = 4

EDITOR = ("editor-fuzz", "A long passphrase 4 fuzzing")

# gunicorn's limits (its defaults; gunicorn.conf.py sets none of them).
LIMIT_REQUEST_LINE = 4094
LIMIT_REQUEST_FIELD_SIZE = 8190
LIMIT_REQUEST_FIELDS = 100
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9a-zA-Z]+")
# gunicorn's own error page (gunicorn.util.write_error).
GUNICORN_ERROR_PAGE = re.compile(rb"<html>\n  <head>\n    <title>[^<]*</title>\n.*</html>\n", re.DOTALL)

PAGES = [
    "/",
    "/en/",
    "/zh-hans/",
    "/en/departments/",
    "/zh-hans/departments/",
    "/en/departments/spine-surgery/",
    "/zh-hans/departments/spine-surgery/",
    "/en/departments/gastrointestinal-surgery/",
    "/en/departments/colorectal-anal-surgery/",
    "/zh-hans/departments/plastic-cosmetic-surgery/",
    "/en/departments/page/2/",
    "/en/departments/page/1/",
    "/en/search/",
    "/zh-hans/search/",
    "/en/accessibility/",
    "/zh-hans/accessibility/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/static/css/site.css",
    "/static/admin/css/base.css",
    "/static/staticfiles.json",
    "/media/photos/departments/renditions/spine-1a2b3c4d5e-480.webp",
    "/media/photos/departments/renditions/spine-1a2b3c4d5e-99999999999999999999.jpg",
    "/media/photos/departments/spine-1a2b3c4d5e.jpg",
    "/media/../manage.py",
    "/fr/",
    "/zh/departments/",
    "/zh-hant/",
    "/en-us/departments/",
    "/EN/",
    "/zh-Hans/search/",
    "/xx-yy-zz/",
    "/en/no-such-page/",
    "//en/",
    "//%5B::1/",
]
ADMIN_PAGES = [
    "/en/admin/",
    "/zh-hans/admin/",
    "/en/admin/login/",
    "/en/admin/logout/",
    "/en/admin/password_change/",
    "/en/admin/jsi18n/",
    "/en/admin/autocomplete/",
    "/en/admin/r/1/1/",
    "/en/admin/departments/",
    "/en/admin/departments/department/",
    "/zh-hans/admin/departments/department/",
    "/en/admin/departments/department/1/change/",
    "/en/admin/departments/department/1/history/",
    "/en/admin/departments/department/1/delete/",
    "/en/admin/departments/department/add/",
    "/en/admin/departments/hospital/",
    "/en/admin/departments/hospital/1/change/",
    "/en/admin/departments/staffstats/",
    "/en/admin/departments/researchfigure/",
    "/en/admin/departments/accreditation/",
    "/en/admin/departments/leader/",
    "/en/admin/departments/procedure/",
    "/en/admin/departments/condition/",
    "/en/admin/departments/milestone/",
    "/en/admin/admin/logentry/",
    "/en/admin/auth/user/",
    "/en/admin/auth/group/",
    "/en/admin/axes/accessattempt/",
    "/en/admin/axes/accesslog/",
]

ODD_BYTES = [
    "%00",
    "%ff",
    "%c0%af",
    "%c0%80",
    "%e0%80%af",
    "%f0%80%80%af",
    "%ed%a0%80",
    "%f4%90%80%80",
    "%fe%ff",
    "%2e%2e",
    "%2e",
    "%2f",
    "%5c",
    "%25",
    "%",
    "%zz",
    "%u002e",
    "%0a",
    "%0d%0a",
    "%20",
    "%09",
    "%7f",
    "%e2%80%ae",
    "%ef%bb%bf",
    "%c3%28",
    "%5b",
    "%5d",
]
TEXTS = [
    "脊柱外科",
    "吉林大学第一医院",
    "部门",
    "😀",
    "🏥\u200d⚕️",
    "ｅｎ",
    "é",
    "\u202e",
    "İ",
    "ß",
    "\ufeff",
    "ǅ",
    "\u0301",
    "\ufffd",
]
ODD_TEXT = [
    "",
    " ",
    "spine",
    "Spine Surgery",
    "脊柱",
    "胃肠外科",
    "😀",
    "\u200b",
    "\u202e",
    "' OR 1=1 --",
    '"; DROP TABLE departments_department; --',
    "<script>alert(1)</script>",
    "{{ settings.SECRET_KEY }}",
    "%",
    "_",
    "\\",
    "*",
    "🏥" * 40,
    "İstanbul",
    "ß",
    "a b c d e f g h i j k",
    "a" * 101,
    "ｓｐｉｎｅ",
    "\x01\x02\x7f",
    "\t\n\r",
    "\ufffd",
]
QUERY_KEYS = ["q", "p", "page", "lang", "next", "o", "format", "", "%00", "q[]", "a.b", "=", "x" * 300]
ADMIN_QUERY = {
    "q": ODD_TEXT,
    "o": ["1", "-1", "2.-1", "1.2.3.4.5", "abc", "99999999999", "-0", ".", "", "0"],
    "p": ["0", "1", "2", "-1", "abc", "99999999999999999999", "1e3"],
    "e": ["1", ""],
    "all": [""],
    "_popup": ["1", "2"],
    "_to_field": ["id", "password", "slug", "abc"],
    "_facets": ["", "1", "True"],
    "source__exact": ["%00", "overview.md", "abc", "", "../../etc/passwd"],
    "hospital__id__exact": ["abc", "1", "-1", "99999999999999999999", "1.5", ""],
    "department__id__exact": ["abc", "2", "-1", "99999999999999999999"],
    "department__isnull": ["True", "abc"],
    "reviewed_on__gte": ["2024-01-01", "abc", "9999-99-99", "0000-00-00", "99999-01-01"],
    "reviewed_on__lt": ["2025-01-01", "abc", "1-1-1"],
    "reviewed_on__isnull": ["True", "False", "x"],
    "metric__exact": ["doctors", "abc", ""],
    "unit__exact": ["count", "percent", "zz"],
    "headline__exact": ["1", "0", "abc"],
    "kind__exact": ["award", "zz"],
    "role__exact": ["director", "zz"],
    "first_in_province__exact": ["1", "0", "2", "abc"],
    "chinese": ["missing", "complete", "x"],
    "action_flag__exact": ["1", "9", "abc"],
    "content_type__id__exact": ["1", "abc", "99999999999999999999"],
    "user__id__exact": ["1", "abc"],
    "action_time__year": ["2024", "99999", "0", "-1", "abc"],
    "action_time__month": ["13", "0", "2", "x"],
    "action_time__day": ["32", "1", "x"],
    "is_staff__exact": ["1", "abc"],
    "groups__id__exact": ["abc", "1"],
    "password__startswith": ["pbkdf2"],
    "id__in": ["1,2,abc", ""],
    "name_en__regex": ["(", ".*"],
    "app_label": ["departments", "auth", "x"],
    "model_name": ["department", "user", "x"],
    "field_name": ["hospital", "department", "x"],
    "term": ODD_TEXT,
    "next": ["/en/", "https://evil.example/", "//evil.example", "javascript:alert(1)"],
}
# (Host header, whether ALLOWED_HOSTS ("localhost,127.0.0.1") admits it)
HOSTS = [
    ("127.0.0.1", True),
    ("localhost:8000", True),
    ("LOCALHOST", True),
    ("localhost.", True),
    ("127.0.0.1:99999", True),
    ("attacker.example.com", False),
    ("localhost.attacker.example", False),
    ("attacker.example:80@localhost", False),
    ("localhost:abc", False),
    ("[::1]", False),
    ("", False),
    ("a" * 300, False),
    ("xn--fsq.example", False),
    ("本地.example", False),
    ("localhost, attacker.example", False),
    ("local host", False),
]
ACCEPT_LANGUAGES = [
    "zh-CN,zh;q=0.9",
    "zh-Hans",
    "en-US,en;q=0.5",
    "xx-YY-zz",
    "*",
    "*;q=0",
    "zh;q=1e999999, en;q=-1",
    "zh;q=" + "9" * 500,
    "zh;q=nan, en;q=inf",
    ";;;,,,;q=",
    "en;q=0.5;q=0.7,,zh-hant",
    "zh-" + "x" * 3000,
    ", ".join(f"l{i};q=0.{i}" for i in range(400)),
    "中文",
    "\u202e",
]
ACCEPT_ENCODINGS = [
    "gzip",
    "br",
    "gzip;q=0",
    "*",
    "identity;q=0",
    "x-gzip, deflate",
    "gzip" * 1000,
    "gzip, br;q=nan",
]
ETAGS = ['"abc"', "*", 'W/"x"', '"1-', "garbage", '"' * 100, "W/" * 1000, '"1-aaaaaaaaaaaaaaaa-gz"']
DATES = [
    "garbage",
    "Mon, 32 Foo 1999 99:99:99 GMT",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Sat, 29 Oct 10000 19:43:31 GMT",
    "Sun, 06 Nov 1994 08:49:37 +9999999999",
    "-1",
    "0",
    "9" * 400,
    "Mon, 01 Jan 0000 00:00:00 GMT",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
    "1 2 3 4 5",
]
RANGES = [
    "bytes=0-0",
    "bytes=-0",
    "bytes=5-2",
    "bytes=0-1,2-3",
    "bytes=--1",
    "bytes=99999999999999999999-",
    "bytes=a-b",
    "items=0-1",
    "bytes=-99999999999999999999999",
    "bytes=" + "9" * 5000,
    "bytes=",
    "bytes=0-",
]
FORWARDED_FOR = [
    "1.2.3.4",
    "1.2.3.4, ::1, garbage",
    "' or 1=1 --",
    "unknown",
    "",
    "::ffff:127.0.0.1",
    "1." * 2000,
]
# Percent-encoded form values for the cookies' garbage; the quoted octal escapes decode to NUL in
# Django's cookie parser (http.cookies._unquote).
COOKIES = [
    "__Host-sessionid=garbage",
    "__Host-sessionid=" + "x" * 40,
    '__Host-sessionid="\\000\\000\\000\\000\\000\\000\\000\\000"',
    "__Host-sessionid=%00%00%00%00%00%00%00%00",
    "sessionid=" + "y" * 32,
    "__Host-csrftoken=zzz",
    "__Host-csrftoken=" + "a" * 64,
    '__Host-csrftoken="\\000"',
    "csrftoken=" + "!" * 64,
    "=;=;;",
    "a=b; a=c",
    "django_language=xx",
    "__Host-sessionid=会话会话会话会话",
    "__Host-sessionid=" + "z" * 4000,
    "\u00ff=\u00ff",
]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=base64",
    "text/plain; charset=rot13",
    "text/plain; charset=hex",
    "text/plain; charset=punycode",
    "text/plain; charset=idna",
    "text/plain; charset=utf-7",
    "text/plain; charset=bogus",
    "text/plain; charset=",
    'text/plain; charset="utf-8',
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=" + "b" * 200,
    "multipart/form-data; boundary=xyz",
    "application/json",
    ";;;",
    "\u00e9/\u00e9",
]
METHODS = ["GET"] * 14 + ["HEAD"] * 3 + ["POST"] * 3 + ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]
ODD_METHODS = [
    "PROPFIND",
    "MKCOL",
    "M-SEARCH",
    "BREW",
    "X!Y",
    "GET.",
    "QUERY",
    "CONNECT",
    "PURGE",
    "A" * 20,
    "FOO_BAR",
    # Refused by gunicorn (see method_refused): lowercase, too short or long, not a token.
    "get",
    "Get",
    "GE",
    "A" * 21,
    "GE#T",
    "G(E)T",
    "GET/",
]
USERNAMES = [
    "管理员",
    "😀" * 3,
    "ad\x00min",
    "a" * 151,
    "\u202eadmin",
    "ａｄｍｉｎ",
    "Robert'); DROP TABLE auth_user;--",
    " ",
    "admin\r\n",
]


def method_refused(method):
    """Why gunicorn refuses a method before Django sees it, or "" if it does not.

    RFC 9110 allows any token; gunicorn (permit_unconventional_http_method off) also refuses
    lowercase letters, '#' and lengths outside 3-20.
    """
    if not TOKEN.fullmatch(method):
        return "the method is not an RFC 9110 token"
    if re.search("[a-z#]", method) or not 3 <= len(method) <= 20:
        return "gunicorn refuses lowercase, '#' and lengths outside 3-20 in methods"
    return ""


@dataclass
class Case:
    number: int
    method: str
    target: str
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    raw: bytes | None = None  # sent as-is over a socket, instead of through http.client
    malformed: str = ""  # why gunicorn may answer it itself; "" for a well-formed request
    proxied: bool = True
    foreign_host: str | None = None  # the disallowed Host it names, if any

    def describe(self):
        headers = {
            name: value if len(value) < 80 else f"{value[:60]!s}...({len(value)})"
            for name, value in ((name, _text(value)) for name, value in self.headers.items())
            if (name, value) not in (("Host", "localhost"), ("X-Forwarded-Proto", "https"))
        }
        line = f"#{self.number} {self.method} {_short(self.target, 200)}"
        if self.raw is not None:
            line = f"#{self.number} raw {_short(_text(self.raw), 300)!r}"
        extra = f" headers={headers}" if headers and self.raw is None else ""
        if not self.proxied and self.raw is None:
            extra += " (plain HTTP)"
        if self.body and self.raw is None:
            extra += f" body={_short(_text(self.body), 120)!r}"
        return line + extra


def _text(value):
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _short(text, length):
    return text if len(text) <= length else f"{text[:length]}...({len(text)} chars)"


class Fuzzer:
    """Makes the cases, from one seeded generator: the same seed makes the same requests."""

    def __init__(self, seed, csrf, session, hashed_static):
        self.rng = random.Random(seed)
        self.csrf_cookie, self.csrf_token = csrf
        self.session = session
        self.pages = [*PAGES, f"/static/{hashed_static}"]
        self.logins = 0

    def cases(self, count):
        makers = [
            (self.public_case, 48),
            (self.admin_case, 26),
            (self.raw_case, 10),
            (self.form_case, 8),
            (self.limit_case, 2),
        ]
        functions = [function for function, _weight in makers]
        weights = [weight for _function, weight in makers]
        for number in range(count):
            case = self.rng.choices(functions, weights)[0](number)
            self.check_limits(case)
            yield case

    # Paths and queries.
    def mutate(self, path, mutations=None):
        rng = self.rng
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3]) if mutations is None else mutations):
            segments = path.split("/")
            where = rng.randrange(len(segments))
            segment = segments[where]
            at = rng.randint(0, len(segment))
            kind = rng.randrange(11)
            if kind == 0:
                segment = segment[:at] + rng.choice(ODD_BYTES) + segment[at:]
            elif kind == 1:
                segment = segment[:at] + quote(rng.choice(TEXTS), safe="") + segment[at:]
            elif kind == 2:
                segments.insert(where, rng.choice(["..", ".", "%2e%2e", "%2E.", "...", ".%00."]))
            elif kind == 3:
                segments.insert(where, "")
            elif kind == 4:
                segment += rng.choice(["a", "%e9", "%E4%B8%AD", "-", ".."]) * rng.choice(
                    [64, 255, 1000, 1300]
                )
            elif kind == 5:
                segment += rng.choice([";", ";jsessionid=1", ";a=b;c", ";%00", ";" * 50])
            elif kind == 6:
                segment = segment.upper() if rng.random() < 0.5 else segment.swapcase()
            elif kind == 7:
                segment = segment[:at] + rng.choice("!$&'()*+,=@:~") + segment[at:]
            elif kind == 8:
                segment = rng.choice(
                    ["0", "-1", "99999999999999999999", "9" * 5000, "1.5", "_", "--", "x" * 50]
                )
            elif kind == 9:
                path = path.rstrip("/") if path.endswith("/") and rng.random() < 0.5 else path + "/"
                continue
            else:
                segment = rng.choice(["en", "zh-hans", "zh", "fr", "en-gb", "zh-hans-cn", "admin", "static"])
            segments[where] = segment
            path = "/".join(segments)
        return path if path.startswith("/") else "/" + path

    def value(self, choices=ODD_TEXT):
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(ODD_BYTES)
        if roll < 0.2:
            return rng.choice(["x", "%ff", quote("脊")]) * rng.choice([200, 800, 1200])
        text = rng.choice(choices)
        # Some values are meant to be sent as written (%00 and the like), the rest are encoded.
        return text if "%" in text and rng.random() < 0.5 else quote(text, safe="")

    def query(self, admin=False):
        rng = self.rng
        pairs = []
        for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
            roll = rng.random()
            if admin and roll < 0.7:
                key = rng.choice(list(ADMIN_QUERY))
                pairs.append(f"{key}={self.value(ADMIN_QUERY[key])}")
            elif admin and roll < 0.8:
                inner = urlencode({rng.choice(list(ADMIN_QUERY)): rng.choice(ODD_TEXT)})
                pairs.append(f"_changelist_filters={quote(inner, safe='')}")
            else:
                key = rng.choice(QUERY_KEYS)
                pairs.append(rng.choice([f"{key}={self.value()}", key, f"{key}=", "&&", "q=a&q=b"]))
        return "&".join(pairs)

    # Headers.
    def headers(self):
        rng = self.rng
        headers = {}
        host, allowed = ("localhost", True) if rng.random() < 0.85 else rng.choice(HOSTS)
        headers["Host"] = host.encode() if not host.isascii() else host
        roll = rng.random()
        if roll < 0.85:
            headers["X-Forwarded-Proto"] = "https"
        elif roll < 0.95:
            headers["X-Forwarded-Proto"] = rng.choice(["http", "HTTPS", "https, http", "ftp", ""])
        odd = [
            ("Accept-Language", ACCEPT_LANGUAGES),
            ("Accept-Encoding", ACCEPT_ENCODINGS),
            ("If-None-Match", ETAGS),
            ("If-Modified-Since", DATES),
            ("If-Unmodified-Since", DATES),
            ("Range", RANGES),
            ("X-Forwarded-For", FORWARDED_FOR),
            ("Cookie", COOKIES),
            ("Content-Type", CONTENT_TYPES),
            ("User-Agent", ["", "x" * 2000, "Mozilla/5.0 😀", "curl/8.0"]),
            ("Referer", ["https://localhost/en/", "javascript:alert(1)", "https://evil.example/", "%00"]),
            ("Origin", ["null", "https://evil.example", "https://localhost", "file://"]),
            ("X-Requested-With", ["XMLHttpRequest"]),
            ("X-Forwarded-Host", ["attacker.example", "localhost"]),
            ("X-Forwarded-Ssl", ["on", "off"]),
            ("Expect", ["100-continue"]),
            ("Accept", ["*/*", "application/json", "text/html;q=nan", "x" * 500]),
        ]
        for name, values in rng.sample(odd, rng.choice([0, 1, 1, 2, 3, 5])):
            value = rng.choice(values)
            headers[name] = value.encode() if not value.isascii() else value
        return headers, (None if allowed else host)

    def finish(self, number, method, target, headers, foreign, body=None, malformed=""):
        return Case(number, method, target, headers, body, None, malformed, secure(headers), foreign)

    # The kinds of cases.
    def public_case(self, number):
        rng = self.rng
        method = rng.choice(METHODS) if rng.random() < 0.93 else rng.choice(ODD_METHODS)
        target = self.mutate(rng.choice(self.pages))
        if rng.random() < 0.45:
            target += "?" + self.query()
        headers, foreign = self.headers()
        body = self.body() if method in ("POST", "PUT", "PATCH") and rng.random() < 0.7 else None
        return self.finish(number, method, target, headers, foreign, body, method_refused(method))

    def admin_case(self, number):
        """Admin pages, a third of them as a signed-in superuser: safe methods only then, and never
        with a CSRF token, so nothing is ever changed or the session ended."""
        rng = self.rng
        signed_in = rng.random() < 0.35
        methods = ["GET"] * 6 + ["HEAD"] if signed_in else METHODS
        method = rng.choice(methods)
        target = self.mutate(rng.choice(ADMIN_PAGES), mutations=rng.choice([0, 0, 0, 1]))
        if rng.random() < 0.75:
            target += "?" + self.query(admin=True)
        headers, foreign = self.headers()
        if signed_in:
            cookie = f"__Host-sessionid={self.session}"
            if "Cookie" in headers and rng.random() < 0.5:
                cookie = f"{_text(headers['Cookie'])}; {cookie}"
            headers["Cookie"] = cookie.encode("latin-1", errors="replace")
            headers.pop("Origin", None)
        body = self.body() if method in ("POST", "PUT", "PATCH") else None
        return self.finish(number, method, target, headers, foreign, body)

    def body(self):
        rng = self.rng
        return rng.choice(
            [
                b"",
                b"username=%00&password=%00",
                b"a=1&a=2&%00=%ff&" + b"x" * 2000,
                b"a&" * 6000,  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
                bytes(rng.randrange(256) for _ in range(rng.choice([1, 64, 512]))),
                '{"username": "管理员", "password": "\\u0000"}'.encode(),
                b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n',
                b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="../../x"\r\n\r\n',
                "q=脊柱&q=%E8%84%8A".encode(),
            ]
        )

    def form_case(self, number):
        """POSTs with a valid CSRF cookie, token and Origin, so that their bodies are parsed: most
        to the admin login (django-axes counts failures there), a few elsewhere."""
        rng = self.rng
        host = rng.choice(["localhost", "localhost", "127.0.0.1"])
        headers = {
            "Host": host,
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{host}",
            "Cookie": f"__Host-csrftoken={self.csrf_cookie}",
            "Content-Type": rng.choice(
                ["application/x-www-form-urlencoded"] * 6 + [value for value in CONTENT_TYPES if "=" in value]
            ),
        }
        target = rng.choice(["/en/admin/login/"] * 5 + ["/zh-hans/admin/login/", "/en/search/", "/en/"])
        fields = {"csrfmiddlewaretoken": self.csrf_token, "next": rng.choice(ADMIN_QUERY["next"])}
        # A login with a username and password costs a password hash (PBKDF2, 0.3 s of a core
        # here): two dozen at most, from a few usernames, so that the lockout is reached too.
        if rng.random() < 0.5 and self.logins < 24:
            self.logins += 1
            fields["username"] = rng.choice(USERNAMES)
            fields["password"] = rng.choice(["x", "\x00", "密码" * 10, "p" * 5000])
        elif rng.random() < 0.5:
            fields["username"] = rng.choice(["ad\x00min", "a" * 151])
            fields["password"] = rng.choice(["x", "\x00"])
        body = urlencode(fields).encode()
        if rng.random() < 0.3:
            body += b"&" + self.body()
        return self.finish(number, "POST", target, headers, None, body)

    def limit_case(self, number):
        """Requests over gunicorn's limits: a long path, a huge header, too many headers."""
        rng = self.rng
        headers = {"Host": "localhost", "X-Forwarded-Proto": "https"}
        target = rng.choice(self.pages)
        kind = rng.randrange(3)
        if kind == 0:
            target = (
                target.rstrip("/") + "/" + rng.choice(["a", "%e4%b8%ad", "..%2f"]) * rng.randint(1400, 2800)
            )
        elif kind == 1:
            headers[rng.choice(["Cookie", "Accept-Language", "X-Long"])] = "v" * rng.randint(8200, 12000)
        else:
            headers.update({f"X-Many-{i}": str(i) for i in range(LIMIT_REQUEST_FIELDS + 5)})
        return self.finish(number, "GET", target, headers, None)

    def raw_case(self, number):
        """Requests http.client cannot or will not send: malformed at the HTTP level, and a few
        unusual but well-formed ones (HTTP/1.0 without Host, absolute-form, chunked)."""
        rng = self.rng
        path = self.mutate(rng.choice(self.pages), mutations=rng.choice([0, 1])).encode()
        proxy = b"X-Forwarded-Proto: https\r\n"
        host = b"Host: localhost\r\n"
        close = b"Connection: close\r\n"
        post = b"POST " + path + b" HTTP/1.1\r\n" + host + proxy + close
        get = b"GET " + path + b" HTTP/1.1\r\n" + host + proxy + close
        cases = [
            ("", "GET", b"GET " + path + b" HTTP/1.0\r\n" + proxy + b"\r\n"),
            ("", "GET", b"GET http://localhost" + path + b" HTTP/1.1\r\n" + host + proxy + close + b"\r\n"),
            ("", "OPTIONS", b"OPTIONS * HTTP/1.1\r\n" + host + proxy + close + b"\r\n"),
            ("", "POST", post + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
            (
                "no Host header in HTTP/1.1",
                "GET",
                b"GET " + path + b" HTTP/1.1\r\n" + proxy + close + b"\r\n",
            ),
            ("request line without a version", "GET", b"GET " + path + b"\r\n\r\n"),
            ("HTTP/2.0 request line", "GET", b"GET " + path + b" HTTP/2.0\r\n" + host + b"\r\n"),
            ("bad HTTP version", "GET", b"GET " + path + b" HTTP/1.1.1\r\n" + host + b"\r\n"),
            ("bad HTTP version", "GET", b"GET " + path + b" http/1.1\r\n" + host + b"\r\n"),
            ("two spaces in the request line", "GET", b"GET  " + path + b" HTTP/1.1\r\n" + host + b"\r\n"),
            ("raw space in the target", "GET", b"GET /en/a b/ HTTP/1.1\r\n" + host + b"\r\n"),
            ("not HTTP (a TLS hello)", "GET", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"),
            ("not HTTP", "GET", bytes(rng.randrange(1, 256) for _ in range(64)) + b"\r\n\r\n"),
            ("lowercase method", "GET", b"get " + path + b" HTTP/1.1\r\n" + host + b"\r\n"),
            ("method is not a token", "GET", b"G{E}T " + path + b" HTTP/1.1\r\n" + host + b"\r\n"),
            ("raw non-ASCII in the target", "GET", get.replace(path, "/en/部门/".encode(), 1) + b"\r\n"),
            ("raw non-ASCII in the target", "GET", get.replace(path, b"/en/\xff\xc0\xaf/", 1) + b"\r\n"),
            ("control character in the target", "GET", get.replace(path, b"/en/\x01\x7f/", 1) + b"\r\n"),
            ("NUL in the target", "GET", get.replace(path, b"/en/\x00/", 1) + b"\r\n"),
            ("'#' fragment in the target", "GET", get.replace(path, path + b"#frag", 1) + b"\r\n"),
            ("bad URI", "GET", get.replace(path, b"//[::1/", 1) + b"\r\n"),
            ("header without a colon", "GET", get + b"NoColonHere\r\n\r\n"),
            ("space in a header name", "GET", get + b"Bad Name: x\r\n\r\n"),
            ("empty header name", "GET", get + b": x\r\n\r\n"),
            ("non-ASCII header name", "GET", get + "X-Ü: x\r\n\r\n".encode()),
            ("underscore in a header name", "GET", get + b"X_Forwarded_For: 1.2.3.4\r\n\r\n"),
            ("NUL in a header value", "GET", get + b"X-Test: a\x00b\r\n\r\n"),
            ("control character in a header value", "GET", get + b"X-Test: a\x01\x7fb\r\n\r\n"),
            ("obsolete line folding", "GET", get + b"X-Test: a\r\n  folded\r\n\r\n"),
            ("bare LF line endings", "GET", b"GET " + path + b" HTTP/1.1\nHost: localhost\n\n"),
            ("two Host headers", "GET", get + b"Host: attacker.example\r\n\r\n"),
            ("two Content-Lengths", "POST", post + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            ("non-numeric Content-Length", "POST", post + b"Content-Length: abc\r\n\r\n"),
            ("negative Content-Length", "POST", post + b"Content-Length: -1\r\n\r\n"),
            ("body shorter than its Content-Length", "POST", post + b"Content-Length: 100\r\n\r\na=1"),
            (
                "both Content-Length and Transfer-Encoding",
                "POST",
                post + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            ),
            ("chunked twice", "POST", post + b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
            ("bad chunk size", "POST", post + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
            (
                "chunk without terminator",
                "POST",
                post + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
            ),
            ("conflicting scheme headers", "GET", get + b"X-Forwarded-Ssl: off\r\n\r\n"),
            # gunicorn refuses other underscores, but takes SCRIPT_NAME from a client it trusts as
            # a proxy (forwarded_allow_ips: loopback, the unix socket), as it trusts this one.
            ("underscore in a header name", "GET", get + b"SCRIPT_NAME: /elsewhere\r\n\r\n"),
            # Not here: an unknown Transfer-Encoding, which gunicorn answers 501 as RFC 9112 asks.
        ]
        malformed, method, raw = rng.choice(cases)
        foreign = "attacker.example" if b"Host: attacker.example" in raw else None
        line = _text(raw.split(b"\r\n", 1)[0]).split(" ")
        target = line[1] if len(line) > 1 else line[0]
        return Case(number, method, target, {}, None, raw, malformed, proxy in raw, foreign)

    def check_limits(self, case):
        """Mark the requests that exceed gunicorn's limits: those are gunicorn's to refuse."""
        if case.raw is not None:
            return
        if len(case.method) + len(case.target) + len(" HTTP/1.1") > LIMIT_REQUEST_LINE:
            case.malformed = case.malformed or f"request line over gunicorn's {LIMIT_REQUEST_LINE} bytes"
        if any(len(name) + len(value) + 4 > LIMIT_REQUEST_FIELD_SIZE for name, value in case.headers.items()):
            case.malformed = case.malformed or f"header over gunicorn's {LIMIT_REQUEST_FIELD_SIZE} bytes"
        if len(case.headers) + 2 > LIMIT_REQUEST_FIELDS:
            case.malformed = case.malformed or f"over gunicorn's {LIMIT_REQUEST_FIELDS} headers"
        if "X-Forwarded-Ssl" in case.headers and "X-Forwarded-Proto" in case.headers:
            https = {case.headers["X-Forwarded-Proto"] == "https", case.headers["X-Forwarded-Ssl"] == "on"}
            if len(https) > 1:
                case.malformed = case.malformed or "conflicting scheme headers (gunicorn refuses them)"


def secure(headers):
    """Whether Django takes a request for HTTPS: by the first X-Forwarded-Proto value (its
    SECURE_PROXY_SSL_HEADER), or without that header by gunicorn's scheme (X-Forwarded-Ssl)."""
    proto = headers.get("X-Forwarded-Proto")
    if proto is not None:
        return _text(proto).split(",", 1)[0].strip() == "https"
    return headers.get("X-Forwarded-Ssl") == "on"


def send(bind, case):
    """The response to one case: through http.client, or for raw bytes over a socket (the write
    side closed once sent, so that gunicorn never waits for a body that will not come)."""
    if case.raw is None:
        return request(
            bind, case.target, method=case.method, headers=case.headers, body=case.body, timeout=30
        )
    family, address = address_of(bind)
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(address)
        sock.sendall(case.raw)
        sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock, method=case.method)
        response.begin()
        return Response(response.status, response.headers, response.read())


def from_gunicorn_itself(case, response):
    """gunicorn's own error page (gunicorn.util.write_error), written when no application code
    ran: no Server or Date header (gunicorn adds those to application responses), and its fixed
    template (unread after HEAD)."""
    return (
        "Server" not in response.headers
        and "Date" not in response.headers
        and response.headers.get("Connection") == "close"
        and response.headers.get("Content-Type") == "text/html"
        and (case.method == "HEAD" or GUNICORN_ERROR_PAGE.fullmatch(response.body) is not None)
    )


def problems(case, response):
    """What is wrong with this answer to this request (an empty list when nothing is)."""
    if isinstance(response, Exception):
        if case.malformed and isinstance(response, (OSError, http.client.HTTPException)):
            return []  # gunicorn may close a connection it cannot make sense of
        return [f"no response: {_short(repr(response), 200)}"]
    if from_gunicorn_itself(case, response):
        if response.status >= 500:
            return [f"{response.status} from gunicorn itself, not from Django (see its log)"]
        if not case.malformed:
            return [f"gunicorn refused a well-formed request ({response.status})"]
        return []
    found = [f"status {response.status}"] if response.status >= 500 else []
    missing = [
        name for name, value in PRODUCTION_EVERY_RESPONSE.items() if response.headers.get(name) != value
    ]
    if missing:
        found.append(f"without {', '.join(missing)}")
    hsts = response.headers.get("Strict-Transport-Security")
    if case.proxied and hsts != HSTS:
        found.append(f"over HTTPS with Strict-Transport-Security {hsts!r}")
    if not case.proxied and hsts is not None:
        found.append(f"over plain HTTP with Strict-Transport-Security {hsts!r}")
    if case.foreign_host is not None:
        # WhiteNoise answers static files before anything asks for the host; nothing else may.
        if response.status != 400 and not case.target.startswith("/static/"):
            found.append(f"foreign Host {case.foreign_host!r} answered {response.status}, not 400")
        if len(case.foreign_host) > 8 and case.foreign_host.encode(errors="replace") in response.body:
            found.append("the foreign Host is echoed in the page")
    return found


TRACEBACK_LINE = re.compile(r"^( |Traceback |The above exception|During handling|$)")
NOTE_LINE = re.compile(r"^(database|shared cache) (still )?unavailable|Configuration problem")
LIBRARY_PATH = re.compile(r'"[^"]*/(site-packages|python3\.\d+)/|"' + re.escape(f"{ROOT}/"))


def server_errors(log, failures, limit=16000):
    """The server errors in gunicorn's log, each kind once: gunicorn's own ("Error handling
    request": an exception escaped Django) and Django's ("Internal Server Error"), with the
    first fuzz request that met it and the end of its traceback; and database outages."""
    lines, kinds = log.splitlines(), {}
    for number, line in enumerate(lines):
        escaped = "[ERROR] Error handling request " in line
        if not escaped and not line.startswith("Internal Server Error: "):
            continue
        block = [line]
        for following in lines[number + 1 :]:
            if not (TRACEBACK_LINE.match(following) or block[-1].startswith(" ")):
                break
            block.append(following)
        key = (escaped, kind(block[-1]) if len(block) > 1 else "")
        count, first = kinds.get(key, (0, block))
        kinds[key] = (count + 1, first)
    # The failed requests that could have written it: gunicorn's own 500s, or Django's.
    errors = [
        (case, from_gunicorn_itself(case, response))
        for case, response, _found in failures
        if getattr(response, "status", 0) >= 500
    ]
    parts = []
    for (escaped, _last), (count, block) in kinds.items():
        logged = block[0].split("Error handling request " if escaped else ": ", 1)[1]
        path = (
            case
            for case, by_gunicorn in errors
            if by_gunicorn == escaped and logged in (case.target, unquote(case.target.split("?")[0]))
        )
        case = next(path, None)
        trigger = case.describe() if case else _short(block[0], 300)
        parts.append(f"[{count} like this] first: {trigger}\n" + "\n".join(frames(block)[-30:]))
    # Logged without a traceback: database outages (their 503s once an outage, not each, by
    # departments.pages.outages), and gunicorn's 500 for a configuration problem.
    notes = {}
    for line in lines:
        if NOTE_LINE.search(line):
            notes.setdefault(kind(line.split("] ")[-1]), _short(line, 300))
    parts += list(notes.values())[:8]
    return _short("\n\n".join(parts), limit) if parts else "(none logged)"


def frames(block):
    """A traceback made shorter: one line a frame, library paths cut, no ^^^ markers."""
    shown = []
    for line in block[1:]:
        if not line.strip(" ^"):
            continue
        line = LIBRARY_PATH.sub('"', line)
        if shown and shown[-1].startswith("  File ") and line.startswith("    "):
            shown[-1] += " | " + line.strip()
        else:
            shown.append(line)
    return shown or ["(no traceback logged: the error was raised while an error page was being made)"]


def kind(problem):
    """A problem without its particulars (quoted values), to count problems by kind."""
    return re.sub(r"'[^']*'", "'...'", problem)


def first_ones(failures, count=20):
    """The first failures, server errors first: the first twenty in order would often be
    twenty missing headers."""
    errors = [failure for failure in failures if getattr(failure[1], "status", 0) >= 500]
    others = [failure for failure in failures if getattr(failure[1], "status", 0) < 500]
    chosen = errors[: max(count - len(others), count * 2 // 3)]
    chosen += others[: count - len(chosen)]
    return sorted(chosen, key=lambda failure: failure[0].number)


def signed_in(bind):
    """An anonymous CSRF pair (cookie and form token) and a signed-in superuser's session key."""
    login_page = request(bind, "/en/admin/login/", headers={"X-Forwarded-Proto": "https"})
    cookies = SimpleCookie()
    for header in login_page.headers.get_all("Set-Cookie"):
        cookies.load(header)
    csrf = cookies["__Host-csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)[1]
    username, password = EDITOR
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    logged_in = request(
        bind,
        "/en/admin/login/?next=/en/admin/",
        method="POST",
        body=form,
        headers={
            "X-Forwarded-Proto": "https",
            "Origin": "https://localhost",
            "Cookie": f"__Host-csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert logged_in.status == 302, logged_in.text
    for header in logged_in.headers.get_all("Set-Cookie"):
        cookies.load(header)
    return (csrf, token), cookies["__Host-sessionid"].value


def test_odd_requests_get_no_5xx_and_every_django_answer_has_the_security_headers():
    """See the module docstring. A few clients at once, against two workers as deployed, with a
    signed-in superuser's session for some admin pages so that their lookups are reached."""
    env = production_site()
    username, password = EDITOR
    created = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.filter(username={username!r}).exists() or "
        f"User.objects.create_superuser({username!r}, 'fuzz@example.org', {password!r})",
        env=clean_env(**env),
    )
    assert created.returncode == 0, created.stderr
    manifest = Path(env["DJANGO_STATIC_ROOT"]) / "staticfiles.json"
    hashed_static = re.search(r'"css/site\.css": "([^"]+)"', manifest.read_text())[1]

    with Gunicorn(env, f"127.0.0.1:{free_port()}", workers=2) as server:
        csrf, session = signed_in(server.bind)
        cases = iter(Fuzzer(SEED, csrf, session, hashed_static).cases(REQUESTS))
        results, lock = [], threading.Lock()
        started = time.monotonic()
        deadline = started + SECONDS

        def client():
            while time.monotonic() < deadline:
                with lock:
                    case = next(cases, None)
                if case is None:
                    return
                try:
                    response = send(server.bind, case)
                except Exception as error:  # recorded, and judged in problems()
                    response = error
                results.append((case, response))

        clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=SECONDS + 60)
        elapsed = time.monotonic() - started
        log = server.output()

    failures = []
    for case, response in sorted(results, key=lambda result: result[0].number):
        found = problems(case, response)
        if found:
            failures.append((case, response, found))
    statuses = Counter(getattr(response, "status", "error") for _case, response in results)
    summary = f"{len(results)} requests in {elapsed:.0f} s (FUZZ_SEED={SEED}), statuses {dict(statuses)}"
    print(summary)

    def listed(case, response, found):
        body = _short(_text(getattr(response, "body", b"")), 160)
        status = getattr(response, "status", "no response")
        return f"{case.describe()}\n    -> {status}: {'; '.join(found)}; body {body!r}"

    kinds = Counter(kind(problem) for *_, found in failures for problem in found)
    report = "\n".join(listed(*failure) for failure in first_ones(failures))
    assert not failures, (
        f"{len(failures)} requests failed, of {summary}; replay with FUZZ_SEED={SEED}.\n"
        f"Problems: {dict(kinds)}\nThe first ones:\n{report}\n"
        f"--- server errors in gunicorn's log ---\n{server_errors(log, failures)}"
    )
    assert len(results) >= min(REQUESTS, 500), f"too few requests made: {summary}"
    assert statuses[200] > 0, summary
