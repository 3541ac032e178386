"""Settings for the test suite: the real settings, made fast where speed is free."""

from hospital_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render pages without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "hospital_site.sqlite":  # noqa: F405
    # The test database in memory, named so explicitly (Django's default for SQLite). pytest-django
    # recognises SQLite by Django's own ENGINE name only: for ours it would name each xdist worker's
    # test database "test_<path of db.sqlite3>_gw0", a file in a folder that does not exist
    # ("unable to open database file"). ":memory:" it leaves alone, and each worker is a process
    # of its own, with a memory of its own.
    DATABASES["default"]["TEST"] = {**DATABASES["default"].get("TEST", {}), "NAME": ":memory:"}  # noqa: F405
