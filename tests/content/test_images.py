"""Photo uploads: only real JPEG, PNG and WebP, re-encoded, upright, without metadata, with renditions."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageCms

from departments import models
from departments.content import photos
from tests.support.editors import admin_url, department_change, form_data, page_text

pytest_plugins = ["tests.support.editor_fixtures"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root):
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def jpeg(size=(640, 480), color="teal", **save):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def png(size=(64, 48), mode="RGB", color="teal"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_declaring(width, height):
    """A few hundred bytes that claim to be a width × height PNG (a decompression bomb's header)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 200))
        + chunk(b"IEND", b"")
    )


EPS = b"""%!PS-Adobe-3.0 EPSF-3.0
%%BoundingBox: 0 0 10 10
%%EndComments
newpath 0 0 moveto 10 10 lineto stroke
showpage
%%EOF
"""
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def error_code(name, content):
    with pytest.raises(ValidationError) as error:
        photos.clean_upload(upload(name, content))
    return error.value.code


# --- What is refused, and why ---------------------------------------------------------------------


def test_an_html_file_named_jpg_is_refused():
    assert error_code("photo.jpg", HTML) == "format"


def test_svg_is_refused():
    assert error_code("photo.svg", SVG) == "format"


def test_eps_is_refused_though_pillow_could_read_it():
    # Pillow (and so Django's ImageField) opens EPS; the allowed decoders alone decide here.
    assert Image.open(io.BytesIO(EPS)).format == "EPS"
    assert error_code("photo.eps", EPS) == "format"


def test_a_truncated_jpeg_is_refused():
    data = jpeg((800, 600), "orange")
    assert error_code("photo.jpg", data[: len(data) // 2]) == "damaged"


def test_a_file_over_the_size_limit_is_refused_before_decoding():
    data = jpeg() + b"\0" * (20 * 1024 * 1024)
    assert error_code("photo.jpg", data) == "too_big"


def test_a_decompression_bomb_is_refused_by_pillows_own_warning():
    # 12000 × 12000 = 144 megapixels: above Pillow's warning threshold, below its hard error.
    assert Image.MAX_IMAGE_PIXELS < 12000 * 12000 < 2 * Image.MAX_IMAGE_PIXELS
    assert error_code("bomb.png", png_declaring(12000, 12000)) == "too_large"


@pytest.mark.parametrize("size", [(7000, 7000), (10001, 10), (10, 10001)])
def test_images_over_the_pixel_or_side_cap_are_refused_before_decoding(size):
    assert error_code("big.png", png_declaring(*size)) == "too_large"


def test_an_empty_file_is_refused():
    from departments.forms import PhotoField

    with pytest.raises(ValidationError):
        PhotoField(required=False).clean(upload("photo.jpg", b""))


# --- What is kept: the pixels only ----------------------------------------------------------------


def test_data_appended_to_a_png_is_dropped_by_the_re_encode():
    original = png() + b"<script>alert(1)</script>"
    cleaned = photos.clean_upload(upload("logo.png", original, "image/png")).read()
    assert b"<script>" not in cleaned
    assert cleaned != original
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "PNG" and image.size == (64, 48)


def test_the_stored_name_says_the_real_format_whatever_the_upload_was_called():
    cleaned = photos.clean_upload(upload("Holiday Photo.JPG", png(), "image/jpeg"))
    assert cleaned.name.startswith("holiday-photo-") and cleaned.name.endswith(".png")
    webp = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(webp, "WEBP")
    assert photos.clean_upload(upload("x.png", webp.getvalue())).name.endswith(".webp")
    # A name with nothing usable in it still gets one.
    assert photos.clean_upload(upload("照片.jpg", jpeg())).name.startswith("photo-")


def photo_with_exif(size=(1200, 600)):
    """A landscape picture stored sideways by a camera: EXIF orientation 6 turns it upright.

    Left half red, right half blue; upright, red is on top. Its EXIF carries a description
    and a GPS position, which must not survive.
    """
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010E] = "secret-place-description"  # ImageDescription
    exif.get_ifd(0x8825)[2] = (43.0, 52.0, 30.0)  # GPSLatitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def assert_upright_and_clean(data, size):
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.size == size
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info
        rgb = image.convert("RGB")
        top, bottom = (
            rgb.getpixel((size[0] // 2, size[1] // 8)),
            rgb.getpixel((size[0] // 2, size[1] * 7 // 8)),
        )
        assert top[0] > 200 and top[2] < 60, top  # red on top
        assert bottom[2] > 200 and bottom[0] < 60, bottom  # blue below
    assert b"secret-place-description" not in data


def test_exif_orientation_is_applied_and_exif_removed():
    original = photo_with_exif()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif()[0x0112] == 6
    cleaned = photos.clean_upload(upload("camera.jpg", original)).read()
    assert_upright_and_clean(cleaned, (600, 1200))


def test_a_colour_profile_is_converted_to_srgb_and_dropped():
    buffer = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()  # any non-sRGB profile
    Image.new("RGB", (40, 40), (200, 100, 50)).save(buffer, "JPEG", icc_profile=profile)
    cleaned = photos.clean_upload(upload("wide.jpg", buffer.getvalue())).read()
    with Image.open(io.BytesIO(cleaned)) as image:
        assert "icc_profile" not in image.info


# --- Renditions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (3000, [480, 960, 1600]),
        (1600, [480, 960, 1600]),
        (1000, [480, 960, 1000]),
        (960, [480, 960]),
        (300, [300]),
    ],
)
def test_renditions_are_never_wider_than_the_photo(width, widths):
    assert photos.rendition_widths(width) == widths


def store(name, content):
    return models.Department._meta.get_field("photo").storage.save(f"photos/departments/{name}", content)


def test_renditions_are_made_in_webp_and_jpeg_at_each_width(db, media_root):
    from django.db.models.fields.files import FieldFile

    department_photo = models.Department._meta.get_field("photo")
    cleaned = photos.clean_upload(upload("wide.jpg", jpeg((2400, 1200))))
    name = store(cleaned.name, cleaned)
    photo = FieldFile(None, department_photo, name)
    photos.make_renditions(photo)
    for width, height in ((480, 240), (960, 480), (1600, 800)):
        for extension, image_format in (("webp", "WEBP"), ("jpg", "JPEG")):
            rendition = photos.rendition_name(name, width, extension)
            assert photos.is_rendition(rendition)
            with Image.open(media_root / rendition) as image:
                assert (image.format, image.size) == (image_format, (width, height))
    renditions = photos.renditions_for(photo)
    assert (renditions.width, renditions.height) == (1600, 800)
    assert renditions.sources[0][0] == "image/webp"
    assert renditions.sources[0][1].count("w, ") == 2 and renditions.srcset.endswith("-1600.jpg 1600w")
    assert not photos.is_rendition(name)
    photos.delete_photo(default_storage, name)
    assert stored_files(media_root) == []


def test_a_transparent_png_gets_a_white_jpeg_fallback(db, media_root):
    from django.db.models.fields.files import FieldFile

    cleaned = photos.clean_upload(upload("logo.png", png((500, 100), "RGBA", (0, 0, 0, 0)), "image/png"))
    name = store(cleaned.name, cleaned)
    photos.make_renditions(FieldFile(None, models.Department._meta.get_field("photo"), name))
    with Image.open(media_root / photos.rendition_name(name, 480, "jpg")) as image:
        assert image.convert("RGB").getpixel((10, 10)) == (255, 255, 255)
    with Image.open(media_root / photos.rendition_name(name, 480, "webp")) as image:
        assert image.mode == "RGBA" and image.getpixel((10, 10))[3] == 0


def test_no_photo_renders_nothing(db):
    assert photos.renditions_for(models.Department(slug="x").photo) is None
    missing = models.Department(slug="x", photo="photos/departments/gone-0123456789.jpg").photo
    assert photos.renditions_for(missing) is None


# --- Through the admin, as an editor ------------------------------------------------------------------


def post_photo(client, department, name, content, alt="", language="en"):
    data = form_data(department_change(client, department))
    data["photo"] = upload(name, content)
    data["photo_alt_en"] = alt
    return client.post(admin_url(models.Department, "change", department.pk, language=language), data)


BAD_UPLOADS = [
    ("page.jpg", HTML, "is not a JPEG, PNG or WebP photo"),
    ("drawing.svg", SVG, "is not a JPEG, PNG or WebP photo"),
    ("poster.eps", EPS, "is not a JPEG, PNG or WebP photo"),
    ("half.jpg", jpeg((800, 600))[:3000], "damaged or incomplete"),
    ("huge.jpg", jpeg() + b"\0" * (20 * 1024 * 1024), "a photo may be at most 10 MB"),
    ("bomb.png", png_declaring(12000, 12000), "This image is too large"),
]


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(("name", "data", "message"), BAD_UPLOADS, ids=[item[0] for item in BAD_UPLOADS])
def test_bad_uploads_are_form_errors_and_store_nothing(editor_client, media_root, name, data, message):
    department = models.Department.objects.get(slug="spine-surgery")
    response = post_photo(editor_client, department, name, data, alt="A photo")
    assert response.status_code == 200
    assert message in page_text(response)
    assert stored_files(media_root) == []
    department.refresh_from_db()
    assert not department.photo


@pytest.mark.usefixtures("content")
def test_a_photo_needs_an_english_description(editor_client, media_root):
    department = models.Department.objects.get(slug="spine-surgery")
    response = post_photo(editor_client, department, "ward.jpg", jpeg())
    assert response.status_code == 200
    assert "Describe the photo in English" in page_text(response)
    assert "is violated" not in page_text(response)
    department.refresh_from_db()
    assert not department.photo


@pytest.mark.usefixtures("content")
def test_an_uploaded_photo_is_re_encoded_upright_and_shown_with_srcset(editor_client, media_root):
    department = models.Department.objects.get(slug="spine-surgery")
    original = photo_with_exif((2400, 1200)) + b"<script>alert(1)</script>"
    response = post_photo(editor_client, department, "ward.jpg", original, alt="The ward", language="zh-hans")
    assert response.status_code == 302, response.context and response.context["errors"]

    department.refresh_from_db()
    assert department.photo.name.startswith("photos/departments/ward-")
    assert department.photo_alt_en == "The ward"
    files = stored_files(media_root)
    assert len(files) == 1 + 3 * 2  # the photo, and three widths in two formats
    for path in files:
        data = path.read_bytes()
        assert original not in data and b"<script>" not in data
        with Image.open(path) as image:
            size = image.size
        assert_upright_and_clean(data, size)
    assert {Image.open(path).size for path in files} == {(480, 960), (960, 1920), (1200, 2400)}

    # The form shows the stored photo small, from its smallest copy.
    form = page_text(editor_client.get(f"/en/admin/departments/department/{department.pk}/change/"))
    smallest = photos.renditions_for(department.photo).srcset.split(" ", 1)[0]
    assert f'<img class="photo-thumbnail" src="{smallest}" alt="" width="160">' in form

    html = page_text(Client().get("/en/departments/spine-surgery/"))
    assert "<picture" in html and 'type="image/webp"' in html
    assert 'width="1200" height="2400" alt="The ward"' in html
    srcset = photos.renditions_for(department.photo).srcset
    assert srcset in html
    # The Chinese page falls back to the English description, marked as English.
    zh = page_text(Client().get("/zh-hans/departments/spine-surgery/"))
    assert 'alt="The ward" lang="en"' in zh
    # Each rendition the page names is served, as an image.
    for url in [item.split(" ")[0] for item in srcset.split(", ")]:
        served = Client().get(url)
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg", url


@pytest.mark.usefixtures("content")
def test_the_forms_link_to_the_stored_photo_opens_a_photo_the_site_serves(editor_client, media_root):
    """The site never serves an uploaded photo itself (hospital_site/media.py), only its renditions:
    the "Currently:" link opens the largest of them."""
    department = models.Department.objects.get(slug="spine-surgery")
    assert (
        post_photo(editor_client, department, "ward.jpg", jpeg((2400, 1200)), alt="The ward").status_code
        == 302
    )
    department.refresh_from_db()

    form = page_text(editor_client.get(admin_url(models.Department, "change", department.pk)))
    [link] = re.findall(r'<p class="file-upload">Currently: <a href="([^"]+)">([^<]+)</a>', form)
    assert link == (photos.renditions_for(department.photo).src, department.photo.name)
    served = Client().get(link[0])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as image:
        assert image.size == (1600, 800)


@pytest.mark.usefixtures("content")
def test_replacing_or_clearing_a_photo_removes_the_old_files(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    department = models.Department.objects.get(slug="spine-surgery")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_photo(editor_client, department, "one.jpg", jpeg((1000, 500), "red"), alt="One").status_code
            == 302
        )
    first = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_photo(editor_client, department, "two.png", png((700, 350)), alt="Two").status_code == 302
    second = stored_files(media_root)
    assert not set(first) & set(second)
    assert len(second) == 1 + 2 * 2  # 480 and 700 wide

    data = form_data(department_change(editor_client, department))
    data["photo-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(admin_url(models.Department, "change", department.pk), data)
    assert response.status_code == 302
    department.refresh_from_db()
    assert not department.photo
    assert stored_files(media_root) == []
    assert "<picture" not in page_text(Client().get("/en/departments/spine-surgery/"))
