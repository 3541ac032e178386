"""Photo renditions for a site without nginx in front (`make run`).

In production nginx serves /media/ itself (deploy/nginx/hospital.conf). Without it, uploaded
photos must still show, but Django serves only what it generated: the resized renditions
(departments/content/photos.py names them photos/<kind>/renditions/<stem>-<width>.webp or .jpg). Anything
else under /media/, the uploaded photo itself included, is a 404.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

from departments.content.photos import RENDITION_FORMATS, is_rendition
from departments.pages.outages import works_without_database

CONTENT_TYPES = {f".{extension}": mime for extension, _format, mime in RENDITION_FORMATS}


@works_without_database
@require_safe
def rendition(request, path):
    if not is_rendition(path):
        raise Http404("Not a photo rendition.")
    try:
        photo = open(safe_join(settings.MEDIA_ROOT, path), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError) as error:
        raise Http404("No such photo.") from error
    response = FileResponse(photo, content_type=CONTENT_TYPES[PurePosixPath(path).suffix])
    response["X-Content-Type-Options"] = "nosniff"
    # A rendition's name carries a hash of its photo's pixels: a new photo gets new names.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
