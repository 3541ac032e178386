"""Outages of the services the site depends on, logged once a period with their cause.

During a database outage every request fails the same way; logging each one (with its
traceback) wrote 62 MB in 30 s. Here an outage is one warning when it starts, with its cause,
a reminder once a period while it lasts (how many times it was found down), and one line when
the service answers again.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# How often a lasting outage is logged again.
REMINDER_SECONDS = 60

# What every database backend raises when it cannot connect (refused, timed out, database file
# missing), and when a connection drops mid-request.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


class Outage:
    """One service's state in this process: up, or down since a time, with a count."""

    def __init__(self, service):
        self.service = service
        self.down_since = None
        self.last_logged = 0.0
        self.failures = 0
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def recently_failed(self):
        """Whether it failed less than settings.OUTAGE_RETRY_SECONDS ago: callers then do without
        it, unasked (a server that times out, rather than refusing, would cost each its timeout)."""
        return time.monotonic() < self.retry_at

    def failed(self, error):
        now = time.monotonic()
        # One assignment: threads read it without the lock.
        self.retry_at = now + settings.OUTAGE_RETRY_SECONDS
        with self.lock:
            self.failures += 1
            if self.down_since is None:
                self.down_since, self.last_logged = now, now
                message, args = "%s unavailable: %s", (self.service, cause(error))
            elif now - self.last_logged >= REMINDER_SECONDS:
                self.last_logged = now
                message = "%s still unavailable after %d s (found down %d times): %s"
                args = (self.service, now - self.down_since, self.failures, cause(error))
            else:
                return
        logger.warning(message, *args)

    def answered(self):
        if self.down_since is None:  # the usual case, without taking the lock
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds, failures = time.monotonic() - self.down_since, self.failures
            self.down_since, self.failures = None, 0
        logger.warning("%s available again after %d s (found down %d times)", self.service, seconds, failures)

    @property
    def is_down(self):
        return self.down_since is not None


def cause(error):
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


DATABASE = Outage("database")
CACHE = Outage("shared cache")


def works_without_database(view):
    """Marks a view that answers without the database, so that an outage leaves it alone."""
    view.works_without_database = True
    return view


class DatabaseDown(OperationalError):
    """Raised instead of asking the database, in the second after it failed to answer."""


class OutageFilter(logging.Filter):
    """On django.request: a 503 for an unreachable database (hospital_site.errors) is not logged
    with its own traceback, nor the health check's 503 once a poll: the outage's own lines say it.
    Any other error is logged as usual."""

    def filter(self, record):
        if getattr(record, "status_code", None) != 503:
            return True
        error = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        return not (isinstance(error, DATABASE_UNREACHABLE) or (error is None and DATABASE.is_down))
