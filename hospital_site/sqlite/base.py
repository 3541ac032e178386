"""SQLite as a serving site needs it: its database file, or an error, never a new empty one.

Django's SQLite backend opens a missing file by creating it empty. A site whose database file was
moved or deleted then looked healthy (/healthz said "ok") while every page failed, and once the
file was back, its persistent connections stayed on the empty one for up to a minute.

When OPTIONS has "must_exist" (the settings set it for the serving site, see wsgi.py):
- the file is opened read-write but never created (SQLite's mode=rw): a missing file is an
  OperationalError, which pages answer as the database being unavailable;
- a connection whose file has been removed or replaced since it opened fails Django's health
  check (CONN_HEALTH_CHECKS, once per request), so the next request opens the file that is there.
"""

import os
from pathlib import Path
from urllib.parse import quote

from django.db.backends.sqlite3 import base


def file_identity(path):
    """Which file is at this path now (device and inode), or None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


class DatabaseWrapper(base.DatabaseWrapper):
    must_exist = False
    opened_file = None

    def get_connection_params(self):
        params = super().get_connection_params()
        self.must_exist = params.pop("must_exist", False) and not self.is_in_memory_db()
        if self.must_exist:
            # Django opens SQLite with uri=True; mode=rw opens an existing file and creates none.
            params["database"] = f"file:{quote(str(Path(params['database']).resolve()))}?mode=rw"
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.must_exist:
            self.opened_file = file_identity(self.settings_dict["NAME"])
        return connection

    def is_usable(self):
        if self.must_exist and file_identity(self.settings_dict["NAME"]) != self.opened_file:
            return False
        return super().is_usable()
