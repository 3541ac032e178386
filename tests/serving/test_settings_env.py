"""Settings come from the environment, and the production switch is strict about it.

Each case runs Django in a fresh process, the way the site starts, with only the variables given.
"""

import json
import re
import subprocess
import sys

import pytest

from tests.support.serving import ROOT, SECRET_KEY, clean_env, manage

PRODUCTION = {
    "DJANGO_PRODUCTION": "true",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "hospital.example.org",
    "DJANGO_SITE_URL": "https://hospital.example.org",
}

SHOW = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": db["ENGINE"], "NAME": str(db["NAME"]), "HOST": db.get("HOST", ""),
    "OPTIONS": db.get("OPTIONS", {}),
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME,
    "CONTENT_SECURITY_POLICY": settings.CONTENT_SECURITY_POLICY,
    "STATIC_ROOT": str(settings.STATIC_ROOT),
    "TRUSTED_PROXIES": settings.TRUSTED_PROXIES,
    "SITE_URL": settings.SITE_URL,
}))
"""


def settings_with(**variables):
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_is_a_private_debug_off_sqlite_site():
    values = settings_with()
    assert values["DEBUG"] is False
    # Django's SQLite backend, never creating an empty database when serving (hospital_site/sqlite).
    assert values["ENGINE"] == "hospital_site.sqlite"
    assert values["NAME"] == str(ROOT / "db.sqlite3")
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    # Plain HTTP on one machine: no redirect to HTTPS, no Secure cookies that HTTP could not set.
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert "upgrade-insecure-requests" not in values["CONTENT_SECURITY_POLICY"]
    assert values["TRUSTED_PROXIES"] == 0


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("false", False), ("", False)])
def test_debug_only_when_asked_for(value, expected):
    assert settings_with(DJANGO_DEBUG=value)["DEBUG"] is expected


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    env = clean_env(DJANGO_PRODUCTION="true", DJANGO_ALLOWED_HOSTS="hospital.example.org")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr


def test_production_turns_https_on_with_everything_it_implies():
    values = settings_with(**PRODUCTION)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["hospital.example.org"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 63072000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CONTENT_SECURITY_POLICY"].endswith("; upgrade-insecure-requests")


def test_https_switch_works_on_its_own():
    assert settings_with(DJANGO_HTTPS="true")["SECURE_SSL_REDIRECT"] is True
    assert settings_with(**PRODUCTION, DJANGO_HTTPS="false")["SECURE_SSL_REDIRECT"] is False


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PRODUCTION))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_on_the_embedded_default():
    """The check is real: without the production settings it does complain."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env())
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # no HSTS


def test_database_url_selects_postgresql_with_a_connect_timeout():
    values = settings_with(DATABASE_URL="postgres://hospital:secret@db.internal:5432/hospital")
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "hospital"
    assert values["HOST"] == "db.internal"
    assert values["OPTIONS"]["connect_timeout"] == 5


def test_hosts_static_root_and_proxies_from_the_environment(tmp_path):
    values = settings_with(
        DJANGO_ALLOWED_HOSTS=" a.example.org, b.example.org ,",
        DJANGO_STATIC_ROOT=str(tmp_path),
        DJANGO_TRUSTED_PROXIES="1",
    )
    assert values["ALLOWED_HOSTS"] == ["a.example.org", "b.example.org"]
    assert values["STATIC_ROOT"] == str(tmp_path)
    assert values["TRUSTED_PROXIES"] == 1


def test_passwords_need_at_least_twelve_characters(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Vx9#qLm2$wR")  # 11 characters, otherwise strong
    validate_password("Vx9#qLm2$wRt")


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "hospital_site" / "settings.py").read_text()
    read = set(
        re.findall(
            r"""(?:environ\.get\(|environ\[|env_bool\(|env_list\()\s*["']([A-Z_]+)["']""", settings_source
        )
    )
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_HTTPS"} <= read
    example = (ROOT / ".env.example").read_text()
    assert [name for name in sorted(read) if f"{name}=" not in example] == []


def test_the_site_address_is_a_scheme_and_a_host():
    assert settings_with(DJANGO_SITE_URL="https://hospital.example.org/")["SITE_URL"] == (
        "https://hospital.example.org"
    )
    assert settings_with()["SITE_URL"] == ""
    result = manage("check", env=clean_env(DJANGO_SITE_URL="hospital.example.org/en/"))
    assert result.returncode != 0
    assert "DJANGO_SITE_URL must be a scheme and a host" in result.stderr


def test_production_without_the_site_address_refuses_to_start_and_says_why():
    env = clean_env(**{**PRODUCTION, "DJANGO_SITE_URL": ""})
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SITE_URL is not set" in result.stderr
