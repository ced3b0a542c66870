"""Media on an S3-compatible bucket, with the storage production configures from the
environment: what staff upload in the admin lands in the bucket, is served from it by signed
URL, and Wagtail's renditions are made from it and stored beside it."""

import gc
import io

import boto3
import httpx
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from reportlab.pdfgen import canvas
from storages.backends.s3 import S3Storage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.membership.factories import UserFactory

from .services import production_settings, s3_server

pytestmark = [
    pytest.mark.django_db,
    # django-storages spools a file read from the bucket to a temporary file that Wagtail's
    # rendition code leaves to the garbage collector; the bytes served are checked below.
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in.*SpooledTemporaryFile:pytest.PytestUnraisableExceptionWarning"
    ),
]
BUCKET = "portail-media"
AWS_SETTINGS = [
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_QUERYSTRING_AUTH",
    "AWS_S3_FILE_OVERWRITE",
    "AWS_DEFAULT_ACL",
]


@pytest.fixture(autouse=True)
def collect_spooled_files():
    """Collect those temporary files before the test ends, while the filter above applies: left
    to a later collection, their warning would fail whichever test runs then."""
    yield
    gc.collect()


@pytest.fixture
def bucket(settings, monkeypatch):
    """A private bucket on a local S3 server, and this process storing media as production
    does with AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL set."""
    with s3_server() as endpoint:
        credentials = {
            "AWS_ACCESS_KEY_ID": "portail-test",
            "AWS_SECRET_ACCESS_KEY": "portail-test-secret",
            "AWS_S3_REGION_NAME": "fr-par",
        }
        for name, value in credentials.items():
            monkeypatch.setenv(name, value)
        production = production_settings(
            [*AWS_SETTINGS, "STORAGES"],
            AWS_STORAGE_BUCKET_NAME=BUCKET,
            AWS_S3_ENDPOINT_URL=endpoint,
            **credentials,
        )
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="fr-par",
            aws_access_key_id="portail-test",
            aws_secret_access_key="portail-test-secret",
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "fr-par"}
        )
        for name in AWS_SETTINGS:
            setattr(settings, name, production[name])
        # Only the media storage: static files stay with WhiteNoise, in production too.
        settings.STORAGES = {**settings.STORAGES, "default": production["STORAGES"]["default"]}
        yield client


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    document.drawString(72, 720, "Programme de la formation")
    document.save()
    return buffer.getvalue()


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(640, 480), content_type="image/png")


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_production_stores_media_in_the_bucket_with_signed_urls(bucket):
    storage = storages["default"]
    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == BUCKET
    assert storage.querystring_auth is True
    assert storage.file_overwrite is False


def test_an_image_uploaded_in_the_admin_is_stored_in_the_bucket_and_served_by_url(bucket, staff):
    response = staff.post(
        reverse("wagtailimages:add"),
        {"title": "Haie bocagère", "file": upload("haie.png")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="Haie bocagère")
    assert (image.width, image.height) == (640, 480)
    assert keys(bucket) == [image.file.name]
    assert image.file.name.startswith("original_images/haie")

    served = httpx.get(image.file.url)
    assert served.status_code == 200
    assert served.content == png(640, 480)
    # Private bucket: the same object without the signature is refused.
    assert httpx.get(image.file.url.split("?")[0]).status_code == 403


def test_renditions_are_made_from_the_bucket_and_stored_in_it(bucket, staff):
    staff.post(reverse("wagtailimages:add"), {"title": "Verger", "file": upload("verger.png")})
    image = get_image_model().objects.get(title="Verger")

    rendition = image.get_rendition("fill-120x80")

    assert rendition.file.name in keys(bucket)
    assert rendition.file.name.startswith("images/verger")
    served = httpx.get(rendition.url)
    assert served.status_code == 200
    assert PILImage.open(io.BytesIO(served.content)).size == (120, 80)
    # Asked again (another web process would be), it is read from the database, not remade.
    assert image.get_rendition("fill-120x80").file.name == rendition.file.name
    assert len(keys(bucket)) == 2


def test_a_document_uploaded_in_the_admin_is_served_through_its_privacy_check_then_the_bucket(
    bucket, staff, client
):
    content = pdf()
    response = staff.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Programme",
            "file": SimpleUploadedFile("programme.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = get_document_model().objects.get(title="Programme")
    assert keys(bucket) == [document.file.name]

    # Wagtail checks the document's privacy rules, then sends the visitor to a signed URL.
    redirect = client.get(document.url)
    assert redirect.status_code == 302
    assert redirect["Location"].startswith(f"{bucket.meta.endpoint_url}/{BUCKET}/documents/")
    served = httpx.get(redirect["Location"])
    assert served.status_code == 200
    assert served.content == content
