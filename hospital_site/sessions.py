"""Django's database sessions, refusing session keys Django never makes before asking the database.

A session cookie is whatever a client sends: one full of NUL characters reached the sessions
table as the key to look up, and PostgreSQL refuses NUL in text, so every admin page answered 500
(SQLite just found nothing). Django's own keys are 32 lowercase letters and digits; any other key
is no session, as an unknown one is.
"""

import re

from django.contrib.sessions.backends import db

SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return bool(key) and SESSION_KEY.fullmatch(key) is not None
