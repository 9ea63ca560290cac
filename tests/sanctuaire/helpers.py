"""Shared by the intake and Sanctuaire tests: test images, clients, answers, links."""

import io
import re
from datetime import date

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from PIL import ExifTags, Image

from orders.intake import intake_key
from orders.models import Order
from sanctuaire.models import ClientProfile
from tests.factories import UserFactory

PARIS_GPS = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0)}


def image_bytes(image_format: str = "JPEG", size=(64, 48), *, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (120, 60, 160))
    buffer = io.BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "TestCam"
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(PARIS_GPS)
        options["exif"] = exif
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def gps_of(content: bytes) -> dict:
    with Image.open(io.BytesIO(content)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def answers(**overrides) -> dict:
    data = {
        "date_of_birth": "1990-05-17",
        "birth_time": "08:30",
        "birth_place": "Lyon, France",
        "question": "Quel chemin prendre pour mon travail cette année ?",
        "life_question": "Trouver ma place",
        "specific_context": "Un déménagement en vue",
        "audio_voice": "feminine",
        "delivery_format": "email",
        "phone": "",
        "data_consent": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def open_intake(client, order: Order):
    """What the client does from the payment email: the signed link opens the form."""
    return client.get(f"/commande/{order.public_id}/formulaire/?cle={intake_key(order)}")


def make_client(email: str = "lea@example.com", *, complete: bool = True):
    user = UserFactory(username=email, email=email, first_name="Léa", last_name="Martin")
    if complete:
        ClientProfile.objects.create(user=user, date_of_birth=date(1990, 5, 17))
    return user


def link_in(message: mail.EmailMessage, path_start: str) -> str:
    """The first link in the plain-text body whose path starts with `path_start`, site-relative."""
    pattern = r"https?://[^/\s]+(" + re.escape(path_start) + r"[^\s]*)"
    found = re.search(pattern, message.body)
    assert found, f"no link to {path_start} in:\n{message.body}"
    return found[1]


def html_of(message: mail.EmailMultiAlternatives) -> str:
    (html, content_type), *_rest = message.alternatives
    assert content_type == "text/html"
    return html


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down: the edge we do not own."""

    def send_messages(self, email_messages) -> int:
        raise ConnectionRefusedError("mail server unreachable")


User = get_user_model()
