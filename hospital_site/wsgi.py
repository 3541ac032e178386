"""WSGI entry point, used by gunicorn (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hospital_site.settings")
# A serving site opens its SQLite database file, never creates it (migrate does that).
os.environ.setdefault("DJANGO_DATABASE_MUST_EXIST", "true")

application = get_wsgi_application()
