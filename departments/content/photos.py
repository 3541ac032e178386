"""Photos: what an upload must be, and the resized copies the pages show.

An upload is decoded with Pillow's JPEG, PNG and WebP decoders only, whatever its
name says, and always re-encoded from its pixels: nothing of the uploaded bytes is
stored (no metadata, no data appended after the image). Each stored photo then gets
renditions at a few widths, in WebP with a JPEG fallback, for `srcset`. Their paths
derive from the photo's name, so a page needs no extra database column to find them.

Nothing here knows the content models: it works on any FieldFile.
"""

import contextlib
import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Decoders allowed for uploads, and the extension a re-encoded photo is stored with.
UPLOAD_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000

RENDITION_WIDTHS = (480, 960, 1600)
# (extension, Pillow format, MIME type); the first is preferred, the last is the fallback.
RENDITION_FORMATS = (("webp", "WEBP", "image/webp"), ("jpg", "JPEG", "image/jpeg"))
RENDITIONS_DIR = "renditions"
# What a generated rendition's path looks like (for a view that serves renditions only).
RENDITION_PATH = re.compile(r"^photos/[a-z0-9_-]+/renditions/[a-z0-9_-]+-[0-9]+\.(webp|jpg)$")

SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {},
    "WEBP": {"quality": 82, "method": 4},
}


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}"


def clean_upload(upload):
    """The upload re-encoded as a clean photo (a ContentFile), or a ValidationError.

    The messages are written for the editor who chose the file.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _(
                "This file is %(size)s MB; a photo may be at most %(limit)s MB. "
                "Save it smaller and try again."
            ),
            code="too_big",
            params={
                "size": _megabytes(upload.size),
                "limit": _megabytes(MAX_UPLOAD_BYTES).removesuffix(".0"),
            },
        )
    image = _decode(upload)
    photo_format = image.format
    try:
        content = _encode(_upright_srgb(image), photo_format)
    except Exception:
        # An unusual variant Pillow decodes but cannot convert (e.g. a rare pixel mode).
        raise _damaged() from None
    digest = hashlib.sha256(content).hexdigest()[:10]
    # The hash makes each photo's name, and so its renditions' URLs, unique to its pixels:
    # a replaced photo never reuses an old URL that a browser may have cached.
    stem = slugify(PurePosixPath(upload.name or "").stem)[:60] or "photo"
    return ContentFile(content, name=f"{stem}-{digest}.{UPLOAD_FORMATS[photo_format]}")


def _decode(upload):
    too_large = ValidationError(
        _(
            "This image is too large: at most %(pixels)s megapixels and %(side)s pixels on a side. "
            "Resize it and try again."
        ),
        code="too_large",
        params={"pixels": MAX_PIXELS // 1_000_000, "side": f"{MAX_SIDE:,}"},
    )
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns about a decompression bomb below twice its limit; refuse those too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=list(UPLOAD_FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise too_large from None
        except UnidentifiedImageError:
            raise ValidationError(
                _(
                    "This file is not a JPEG, PNG or WebP photo. "
                    "Save it in one of those formats and try again."
                ),
                code="format",
            ) from None
        except Exception:
            raise _damaged() from None
        width, height = image.size
        # Checked before decoding the pixels, which is where a bomb would cost memory.
        if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
            raise too_large
        try:
            image.load()
        except Exception:
            # Truncated or corrupt data; Pillow raises several exception types for these.
            raise _damaged() from None
    return image


def _damaged():
    return ValidationError(
        _(
            "This photo file is damaged or incomplete, or an unusual variant of its format. "
            "Export it again as a standard JPEG, PNG or WebP and try again."
        ),
        code="damaged",
    )


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


SRGB = ImageCms.createProfile("sRGB")


def _upright_srgb(image):
    """The pixels turned as the camera meant them, in sRGB, with no metadata at all."""
    image = ImageOps.exif_transpose(image)
    mode = "RGBA" if _has_alpha(image) else "RGB"
    converted = None
    if icc_profile := image.info.get("icc_profile"):
        # Keep the colours right without keeping the profile: convert to sRGB, which every
        # browser assumes for an untagged image. A broken or unusual profile is ignored.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            converted = ImageCms.profileToProfile(image, io.BytesIO(icc_profile), SRGB, outputMode=mode)
    if converted is None:
        converted = image.convert(mode)
    converted.info = {}
    return converted


def _encode(image, photo_format, **options):
    buffer = io.BytesIO()
    if photo_format == "JPEG" and image.mode != "RGB":
        image = _flatten(image)
    # No exif/icc/xmp is passed, and Pillow writes only what it is given.
    image.save(buffer, format=photo_format, **{**SAVE_OPTIONS[photo_format], **options})
    return buffer.getvalue()


def _flatten(image):
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
    return background


def rendition_widths(width):
    """The widths to render a photo this wide at: never wider than the photo itself."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return widths


def rendition_height(width, height, rendition_width):
    return max(1, round(height * rendition_width / width))


def rendition_name(photo_name, width, extension):
    """photos/departments/surgery-1a2b3c4d5e.jpg, 480, "webp" ->
    photos/departments/renditions/surgery-1a2b3c4d5e-480.webp"""
    path = PurePosixPath(photo_name)
    return str(path.parent / RENDITIONS_DIR / f"{path.stem}-{width}.{extension}")


def rendition_names(photo_name, width):
    return [
        rendition_name(photo_name, w, extension)
        for w in rendition_widths(width)
        for extension, *_ in RENDITION_FORMATS
    ]


def make_renditions(photo):
    """Write the renditions of a stored photo (a FieldFile), replacing any earlier ones."""
    storage = photo.storage
    with storage.open(photo.name, "rb") as stored, Image.open(stored, formats=list(UPLOAD_FORMATS)) as image:
        image.load()
        source = image.convert("RGBA" if _has_alpha(image) else "RGB")
    width, height = source.size
    # Largest first, each resized from the previous one: much faster than from the original,
    # and as sharp at these ratios.
    for rendition_width in reversed(rendition_widths(width)):
        size = (rendition_width, rendition_height(width, height, rendition_width))
        if source.size != size:
            source = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        for extension, photo_format, _mime in RENDITION_FORMATS:
            name = rendition_name(photo.name, rendition_width, extension)
            storage.delete(name)
            saved = storage.save(name, ContentFile(_encode(source, photo_format)))
            if saved != name:
                raise RuntimeError(f"rendition {name} was stored as {saved}")


def delete_photo(storage, photo_name):
    """Remove a photo and every rendition it may have."""
    if not photo_name:
        return
    size = _dimensions(storage, photo_name)
    if size:
        for name in rendition_names(photo_name, size[0]):
            storage.delete(name)
    storage.delete(photo_name)


def _read_dimensions(storage, name):
    try:
        with storage.open(name, "rb") as stored, Image.open(stored, formats=list(UPLOAD_FORMATS)) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


_sizes = {}


def _dimensions(storage, name):
    """A stored photo's (width, height), read from its header, or None if it is missing.

    Remembered per process: a photo's name carries a hash of its pixels, so the same
    name always has the same size.
    """
    key = (getattr(storage, "location", ""), name)
    size = _sizes.get(key)
    if size is None:
        size = _read_dimensions(storage, name)
        if size is not None and len(_sizes) < 10_000:
            _sizes[key] = size
    return size


@dataclass(frozen=True)
class Renditions:
    """What a template needs for `<picture>`.

    `sources`: (MIME type, srcset) for each preferred format, for `<source>`; `srcset`,
    `src`, `width` and `height`: the fallback format, for `<img>` (the largest rendition).
    """

    sources: list
    srcset: str
    src: str
    width: int
    height: int


def renditions_for(photo):
    """The renditions of a photo (a FieldFile), or None when there is no usable photo."""
    if not photo:
        return None
    size = _dimensions(photo.storage, photo.name)
    if size is None:
        return None
    width, height = size
    widths = rendition_widths(width)
    srcsets = []
    for extension, _format, mime in RENDITION_FORMATS:
        urls = [(photo.storage.url(rendition_name(photo.name, w, extension)), w) for w in widths]
        srcsets.append((mime, ", ".join(f"{url} {w}w" for url, w in urls)))
    largest_jpeg = photo.storage.url(rendition_name(photo.name, widths[-1], RENDITION_FORMATS[-1][0]))
    return Renditions(
        sources=srcsets[:-1],
        srcset=srcsets[-1][1],
        src=largest_jpeg,
        width=widths[-1],
        height=rendition_height(width, height, widths[-1]),
    )


def is_rendition(path):
    """Whether a path under MEDIA_ROOT names a generated rendition (not an uploaded photo)."""
    return bool(RENDITION_PATH.match(path))
