"""gunicorn settings for the hospital site: `gunicorn -c gunicorn.conf.py hospital_site.wsgi`.

Every value can be overridden from the environment (or on the command line, which wins).

Graceful reload: `kill -HUP <master pid>` (`systemctl reload hospital` in deploy/) starts new
workers with the new code and settings, then lets the old ones finish their requests and exit.
The listening socket stays open in the master throughout, so a reload under load drops nothing
(tests/test_nginx.py checks it). Code is loaded in each worker, not in the master (no
preload_app), which is what makes HUP pick up new code.

Slow clients: behind nginx (deploy/), nginx reads whole requests and buffers whole responses, so
gunicorn only ever talks to nginx, and sync workers are right. Without it (`make run`), a phone on
a bad network sends its request slowly and holds whatever reads it: a sync worker serves one
connection at a time, so ten slow clients took the site down. So `make run` asks for threaded
workers (GUNICORN_WORKER_CLASS=gthread): each connection gets a thread of a pool, and slow clients
hold threads, not the site. They are not the default because gunicorn's gthread worker, when a
reload stops it, drops connections it has accepted but not yet read (seen here as a reset
request during `kill -HUP`), which sync workers never do (tests/test_gunicorn.py). The README's
"Reliability" section has the measurements.
"""

import os


def cpu_count():
    """CPUs this process may run on (a container or systemd's CPUAffinity may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "hospital_site.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# gunicorn's rule of thumb: two workers per core plus one, so a core is never idle while a worker
# waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# With gthread, each worker serves this many connections at once, one a thread; a thread waiting
# on a slow client holds no core. Each thread keeps its own database connection.
# (gunicorn turns sync workers into gthread ones when threads > 1, so they keep one.)
threads = int(os.environ.get("GUNICORN_THREADS", 32)) if worker_class == "gthread" else 1

# A request that takes longer than this is stuck: its worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On reload or stop, workers get this long to finish the requests they hold.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# nginx keeps connections to the socket alive between requests.
keepalive = 5

# Recycle workers now and then, so that a slow leak cannot grow without bound; the jitter keeps
# them from all restarting at once.
max_requests = 2000
max_requests_jitter = 200

# The worker heartbeat file on a RAM-backed file system where there is one (containers often
# have a disk-backed /tmp, which can stall heartbeats).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Access log to stdout (journald under systemd), with the time each request took, in
# microseconds; errors to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(D)sus "%(a)s"'

# Never let a client's own X-Forwarded-* headers count unless they come through our proxy: the
# unix socket (deploy/) or loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Nor may any client, trusted peer or not, set the script name or path by a header (gunicorn lets
# a trusted peer send SCRIPT_NAME and PATH_INFO headers: one gave gunicorn's own 500, another
# served the admin's path for the overview's). The site is served at the root.
forwarder_headers = ""
