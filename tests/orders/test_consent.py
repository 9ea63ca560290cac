"""Consent before payment (SPEC §6.1), at the intake form, legal pages and retention (§13)."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from legal.models import LegalPage
from orders.intake import purge_photos
from orders.models import Order, OrderPhoto, Reading
from payments.models import DemoIntent
from tests.factories import CONSENT, OrderFactory
from tests.sanctuaire.helpers import answers, image_bytes, open_intake, upload

pytestmark = pytest.mark.django_db

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/34", "cvc": "123"}
TERMS_ERROR = "Cochez cette case pour accepter les conditions générales de vente."
WAIVER_ERROR = "Cochez cette case : votre lecture ne peut commencer sans votre demande expresse."


def _start(client) -> Order:
    client.post(
        "/commande/",
        {
            "offer": "mystique",
            "email": "c@example.com",
            "first_name": "Cléo",
            "last_name": "Petit",
            "expert": "expert-lumira",
        },
    )
    return Order.objects.latest("created_at")


@pytest.mark.parametrize(
    ("boxes", "errors"),
    [
        ({}, [TERMS_ERROR, WAIVER_ERROR]),
        ({"accept_terms": "on"}, [WAIVER_ERROR]),
        ({"waive_withdrawal": "on"}, [TERMS_ERROR]),
    ],
)
def test_the_demo_payment_charges_nothing_without_both_boxes(client, boxes, errors):
    order = _start(client)
    response = client.post(f"/commande/{order.public_id}/paiement/", {**CARD, **boxes})
    assert response.status_code == 400
    body = response.content.decode()
    for error in errors:
        assert error in body.replace("&#x27;", "'")
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert order.terms_accepted_at is None
    assert DemoIntent.objects.get().status == "requires_payment_method"  # never confirmed


def test_the_demo_payment_with_both_boxes_records_the_consent_and_the_terms_version(client):
    order = _start(client)
    page = client.get(f"/commande/{order.public_id}/paiement/").content.decode()
    assert 'href="/legal/cgv/"' in page
    assert "L221-28" in page
    response = client.post(f"/commande/{order.public_id}/paiement/", {**CARD, **CONSENT})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.terms_version == 1
    assert order.terms_accepted_at is not None
    assert order.withdrawal_waived_at == order.terms_accepted_at


def test_stripe_gives_the_client_secret_only_after_the_consent(client, fake_stripe):
    order = _start(client)
    url = f"/commande/{order.public_id}/paiement/accord/"
    refused = client.post(url, {"accept_terms": "on"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "CONSENT_REQUIRED"
    assert refused.json()["fields"] == {"waive_withdrawal": WAIVER_ERROR}
    assert Order.objects.get(pk=order.pk).terms_accepted_at is None

    accepted = client.post(url, CONSENT)
    assert accepted.status_code == 200
    order.refresh_from_db()
    assert accepted.json() == {
        "clientSecret": fake_stripe.intents[order.payment_intent_id]["client_secret"]
    }
    assert order.terms_version == 1
    assert order.withdrawal_waived_at is not None


def test_a_new_cgv_version_is_what_the_next_client_accepts(admin_client, client):
    cgv = LegalPage.objects.get(slug="cgv")
    response = admin_client.post(
        f"/admin/legal/legalpage/{cgv.pk}/change/",
        {
            "title": cgv.title,
            "body": cgv.body + "\n\nArticle 7 — Nouveau.",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    cgv.refresh_from_db()
    assert cgv.version == 2
    assert list(cgv.versions.values_list("number", flat=True)) == [2, 1]
    order = _start(client)
    client.post(f"/commande/{order.public_id}/paiement/", {**CARD, **CONSENT})
    assert Order.objects.get(pk=order.pk).terms_version == 2
    # The old text stays readable at its own address.
    old = client.get("/legal/cgv/version/1/").content.decode()
    assert "Article 7" not in old
    assert "Article 7" in client.get("/legal/cgv/").content.decode()


def test_the_admin_says_which_legal_pages_still_need_the_owners_details(admin_client):
    """The first texts leave the company's identity, the host and the mediator "à compléter"."""
    listing = admin_client.get("/admin/legal/legalpage/").content.decode()
    assert "contiennent encore « à compléter » : Conditions générales de vente, Mentions" in listing
    for slug in ["mentions-legales", "cgv"]:
        page = LegalPage.objects.get(slug=slug)
        page.body = page.body.replace("à compléter", "Oracle Lumira SAS")
        page.publish()
    assert all(page.is_complete for page in LegalPage.objects.all())
    assert "à compléter" not in admin_client.get("/admin/legal/legalpage/").content.decode()


@pytest.mark.parametrize(
    "path", ["/", "/commande/?offer=initie", "/sanctuaire/connexion/", "/legal/contact/"]
)
def test_every_public_page_links_the_legal_pages(client, path):
    body = client.get(path).content.decode()
    for slug in ["mentions-legales", "cgv", "confidentialite", "contact"]:
        assert f'href="/legal/{slug}/"' in body


@pytest.mark.parametrize("slug", ["mentions-legales", "cgv", "confidentialite", "contact"])
def test_the_legal_pages_render(client, slug):
    response = client.get(f"/legal/{slug}/")
    assert response.status_code == 200
    assert "Version 1" in response.content.decode()


def test_a_legal_page_says_its_text_is_french_to_a_reader_of_english(client):
    french = client.get("/legal/cgv/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/legal/cgv/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This text exists in French only, the language of our contracts." in english
    assert "n’existe qu’en" not in french
    # The title and the text are marked French inside the English page (screen readers).
    assert '<html lang="en">' in english
    assert '<h1 lang="fr">Conditions générales de vente</h1>' in english
    assert '<div lang="fr"><p>Article 1' in english
    old = client.get("/legal/cgv/version/1/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "exists in French only" in old


def test_the_intake_form_needs_the_data_consent(client):
    order = OrderFactory(paid=True)
    open_intake(client, order)
    url = f"/commande/{order.public_id}/formulaire/"
    body = client.get(url).content.decode()
    assert 'href="/legal/confidentialite/"' in body
    refused = client.post(url, answers(data_consent=None))
    assert refused.status_code == 400
    assert "sans votre accord" in refused.content.decode()
    assert Order.objects.get(pk=order.pk).intake_submitted_at is None
    assert client.post(url, answers(keep_photos="on")).status_code == 302
    order.refresh_from_db()
    assert order.data_consent_at is not None
    assert order.keep_photos is True


def test_photos_go_90_days_after_delivery_unless_kept(client, django_capture_on_commit_callbacks):
    orders = {}
    for name, keep in [("old", False), ("kept", True), ("recent", False)]:
        order = OrderFactory(paid=True)
        open_intake(client, order)
        data = answers(**({"keep_photos": "on"} if keep else {}))
        data["photos"] = [upload("a.png", image_bytes("PNG"), "image/png")]
        assert client.post(f"/commande/{order.public_id}/formulaire/", data).status_code == 302
        orders[name] = order
    now = timezone.now()
    for name, days in [("old", 91), ("kept", 91), ("recent", 89)]:
        Order.objects.filter(pk=orders[name].pk).update(status="completed")
        Reading.objects.create(order=orders[name], delivered_at=now - timedelta(days=days))
    old_file = OrderPhoto.objects.get(order=orders["old"]).file.name
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_photos() == 1
    assert not OrderPhoto.objects.filter(order=orders["old"]).exists()
    assert not default_storage.exists(old_file)
    assert Order.objects.get(pk=orders["old"].pk).photos_purged_at is not None
    assert OrderPhoto.objects.filter(order=orders["kept"]).count() == 1
    assert OrderPhoto.objects.filter(order=orders["recent"]).count() == 1
    assert purge_photos() == 0
