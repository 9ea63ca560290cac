import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from orders.models import Order, OrderPhoto
from tests.factories import ExpertFactory, OrderFactory
from tests.sanctuaire.helpers import (
    answers,
    gps_of,
    image_bytes,
    make_client,
    open_intake,
    upload,
)

pytestmark = pytest.mark.django_db


def _post(client, order: Order, *photos, **overrides):
    data = answers(**overrides)
    if photos:
        data["photos"] = list(photos)
    return client.post(f"/commande/{order.public_id}/formulaire/", data)


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")],
)
def test_a_good_photo_is_stored_under_a_random_name_without_its_gps(
    client, image_format, content_type
):
    original = image_bytes(image_format, gps=True)
    assert gps_of(original)  # the test photo really carries a location
    order = OrderFactory(paid=True)
    open_intake(client, order)
    response = _post(client, order, upload("chez-moi-a-lyon.jpg", original, content_type))
    assert response.status_code == 302
    photo = OrderPhoto.objects.get(order=order)
    assert photo.content_type == content_type
    assert (photo.width, photo.height) == (64, 48)
    assert photo.file.name.startswith("photos/")
    assert "lyon" not in photo.file.name
    with photo.file.open("rb") as stored:
        content = stored.read()
    assert gps_of(content) == {}
    assert photo.size_bytes == len(content)


def test_a_gif_is_accepted(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    assert _post(client, order, upload("a.gif", image_bytes("GIF"), "image/gif")).status_code == 302
    assert OrderPhoto.objects.get(order=order).content_type == "image/gif"


def _refused(client, order, photo, message):
    response = _post(client, order, photo, birth_place="Quimper, Bretagne")
    assert response.status_code == 400
    errors = response.context["form"].errors["photos"]
    assert any(message in error for error in errors), errors
    body = response.content.decode()
    assert 'id="id_photos_error"' in body
    assert 'value="Quimper, Bretagne"' in body  # the rest of the form is kept
    assert not OrderPhoto.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.intake_submitted_at is None
    return errors


def test_a_text_file_renamed_png_is_refused_at_the_field(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    fake = upload("photo.png", b"Ceci n'est pas une image.\n" * 40, "image/png")
    _refused(client, order, fake, "« photo.png » n’est pas une image JPEG, PNG, GIF ou WebP")


def test_an_eleven_megabyte_image_is_refused(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    # A real JPEG padded after its end marker: decoders would still show it.
    heavy = image_bytes("JPEG") + b"\0" * (11 * 1024 * 1024)
    _refused(client, order, upload("lourde.jpg", heavy), "« lourde.jpg » dépasse 10 Mo.")


def test_a_truncated_image_is_refused(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    whole = image_bytes("PNG", size=(400, 300))
    cut = upload("coupee.png", whole[: len(whole) // 2], "image/png")
    _refused(client, order, cut, "« coupee.png » n’est pas une image")


def test_a_fifty_megapixel_decompression_bomb_is_refused(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    buffer = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 100_000  # tiny on disk, 50 million pixels once decoded
    bomb = upload("bombe.png", buffer.getvalue(), "image/png")
    _refused(client, order, bomb, "« bombe.png » est trop grande")


def test_an_empty_file_is_refused(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    _refused(client, order, upload("vide.jpg", b""), "vide")


def test_more_than_five_photos_are_refused(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    photos = [upload(f"p{n}.jpg", image_bytes()) for n in range(6)]
    response = _post(client, order, *photos)
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["Vous pouvez joindre 5 photos au maximum."]
    assert not OrderPhoto.objects.exists()


def test_photos_already_sent_count_towards_the_five(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    _post(client, order, *[upload(f"p{n}.jpg", image_bytes()) for n in range(4)])
    response = _post(client, order, *[upload(f"q{n}.jpg", image_bytes()) for n in range(2)])
    assert response.status_code == 400
    assert "vous pouvez en ajouter 1 au plus" in str(response.context["form"].errors["photos"])
    assert OrderPhoto.objects.filter(order=order).count() == 4


def test_a_photo_can_be_removed_while_amending(client, django_capture_on_commit_callbacks):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    _post(client, order, upload("a.jpg", image_bytes()), upload("b.jpg", image_bytes()))
    first, second = OrderPhoto.objects.filter(order=order)
    name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/commande/{order.public_id}/formulaire/",
            {**answers(), "remove_photos": [str(first.public_id)]},
        )
    assert response.status_code == 302
    assert list(OrderPhoto.objects.filter(order=order)) == [second]
    assert not default_storage.exists(name)


def test_the_photo_view_serves_the_owner_and_the_desk_only(client):
    order = OrderFactory(paid=True, email="lea@example.com")
    open_intake(client, order)
    _post(client, order, upload("a.jpg", image_bytes()))
    photo = OrderPhoto.objects.get(order=order)
    url = f"/sanctuaire/photos/{photo.public_id}/"

    response = client.get(url)  # the browser that filled the form
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"

    client.logout()
    client.cookies.clear()
    assert client.get(url).status_code == 404  # a stranger's browser
    client.force_login(make_client("marc@example.com"))
    assert client.get(url).status_code == 404  # another client
    client.force_login(make_client("lea@example.com"))
    assert client.get(url).status_code == 200  # the owner, logged in on another device
    client.force_login(ExpertFactory().user)
    assert client.get(url).status_code == 200  # the desk


def test_photos_are_not_under_any_public_url(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    _post(client, order, upload("a.jpg", image_bytes()))
    photo = OrderPhoto.objects.get(order=order)
    assert default_storage.exists(photo.file.name)
    client.cookies.clear()
    for path in [f"/media/{photo.file.name}", f"/{photo.file.name}", f"/static/{photo.file.name}"]:
        assert client.get(path).status_code == 404
