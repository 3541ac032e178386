"""Write the live content back to fixture files, in the layout of fixtures/.

    python manage.py export_content                 # rewrite fixtures/ from the database
    python manage.py export_content --out DIR       # or write somewhere else, for review

The layout is departments/content/export.py's. Natural keys, no primary keys,
every field (provenance included), records in a fixed order, indented two spaces, UTF-8 as
written (ensure_ascii off) and a final newline: export, load and export again gives the same
bytes. Older exported files for departments that are gone are removed; nothing else in the
directory is touched.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from departments.content import export


class Command(BaseCommand):
    help = "Write the site's content to fixture files (default: the project's fixtures/ directory)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures",
            help="Directory to write to (created if missing; default: fixtures/).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections), help="Database to export."
        )

    def handle(self, *args, out, database, **options):
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} is not a directory.", returncode=2)
        files = export.export_files(database)
        out.mkdir(parents=True, exist_ok=True)
        changed = 0
        for name, text in files.items():
            path = out / name
            data = text.encode("utf-8")
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
                changed += 1
        stale = sorted(
            path
            for path in out.glob("*.json")
            if export.EXPORTED_FILE.fullmatch(path.name) and path.name not in files
        )
        for path in stale:
            path.unlink()
        self.stdout.write(
            f"Wrote {len(files)} fixture files to {out} ({changed} changed"
            + (f"; removed {', '.join(p.name for p in stale)}" if stale else "")
            + ")."
        )
