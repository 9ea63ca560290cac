"""The shop as a first-time client sees it, in French and in English, with its e-mails."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from orders.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def look_at_emails(journey) -> None:
    """Each e-mail sent so far, opened as a mail client would show it, shot and checked."""
    page = journey.page
    for index, message in enumerate(mail.outbox, start=1):
        (html, _type), *_rest = message.alternatives
        page.set_content(html)
        journey.shoot(f"email-{index}")
        assert message.body.strip()  # and a plain-text part


def test_a_client_buys_in_english_and_gets_english_emails(journey_en):
    page = journey_en.page
    journey_en.go("/")
    assert page.locator("h1").inner_text() == "Your reading, revealed by an expert"
    assert page.get_by_role("heading", name="How it works").is_visible()
    journey_en.shoot("landing")
    page.get_by_role("link", name="Choose Complete Level").click()
    page.wait_for_url("**/commande/**")
    journey_en.shoot("checkout")
    page.get_by_label("E-mail address").fill("june@example.com")
    page.get_by_label("First name").fill("June")
    page.get_by_label(re.compile(r"^Last name")).fill("Carter")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url("**/paiement/")
    button = page.locator("#pay-button")
    assert button.inner_text() == "Pay €149.00"
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_label("Expiry (MM/YY)").press_sequentially("1320")
    page.get_by_label("Security code").fill("123")
    page.locator("#id_accept_terms").check()
    page.locator("#id_waive_withdrawal").check()
    button.click()
    assert "Invalid expiry date (MM/YY)." in page.locator("#id_expiry_error").inner_text()
    expect(page.locator("#pay-button")).to_have_text("Pay €149.00")
    journey_en.shoot("payment-bad-expiry")
    page.get_by_label("Expiry (MM/YY)").fill("")
    page.get_by_label("Expiry (MM/YY)").press_sequentially("1234")
    assert page.get_by_label("Expiry (MM/YY)").input_value() == "12/34"
    page.get_by_label("Security code").fill("123")
    page.locator("#pay-button").click()
    page.wait_for_url("**/confirmation/**")
    assert page.locator("h1").inner_text() == "Thank you for your order"
    journey_en.shoot("confirmation")
    order = Order.objects.get(email="june@example.com")
    assert order.language == "en"
    page.get_by_role("link", name="Fill in my form").click()
    page.wait_for_url("**/formulaire/")
    journey_en.shoot("intake")
    page.get_by_label("Date of birth").fill("1988-03-02")
    page.get_by_label("Place of birth").fill("Bristol, United Kingdom")
    page.get_by_label("Your question").fill("Where is my work taking me this year?")
    assert "characters left" in page.locator("#id_question_counter").inner_text()
    page.locator("#id_data_consent").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/formulaire/envoye/")
    assert page.locator("h1").inner_text() == "Thank you, your answers are sent"
    journey_en.shoot("intake-next-step")

    (message,) = mail.outbox
    assert message.subject == f"Payment received — order {order.number}"
    assert "Hello June," in message.body
    assert "€149.00" in message.body
    assert "at the latest" in message.body  # the Complete level's promised date
    look_at_emails(journey_en)


def test_a_client_buys_in_french_with_a_bad_expiry_first(journey):
    page = journey.page
    journey.go("/commande/?offer=mystique")
    page.get_by_label("Adresse e-mail").fill("lea@example.com")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label(re.compile(r"^Nom")).fill("Martin")
    page.get_by_role("button", name="Continuer vers le paiement").click()
    page.wait_for_url("**/paiement/")
    page.get_by_label("Numéro de carte").press_sequentially("4000000000000002")
    assert page.get_by_label("Numéro de carte").input_value() == "4000 0000 0000 0002"
    page.get_by_label("Expiration (MM/AA)").press_sequentially("1230")
    assert page.get_by_label("Expiration (MM/AA)").input_value() == "12/30"
    page.get_by_label("Cryptogramme").fill("123")
    page.locator("#id_accept_terms").check()
    page.locator("#id_waive_withdrawal").check()
    page.locator("#pay-button").click()
    assert "Votre carte a été refusée" in page.locator("#payment-banner").inner_text()
    expect(page.locator("#pay-button")).to_have_text("Payer 47,00\xa0€")
    journey.shoot("payment-declined")
    # A new attempt with a bad expiry: only its own error shows, the old banner is gone.
    page.get_by_label("Numéro de carte").fill("4242 4242 4242 4242")
    page.get_by_label("Expiration (MM/AA)").fill("13/30")
    page.get_by_label("Cryptogramme").fill("123")
    page.locator("#pay-button").click()
    page.wait_for_selector("#id_expiry_error")
    assert page.locator("#payment-banner").count() == 0
    assert page.locator(".form-error").count() == 0
    expiry_top = page.get_by_label("Expiration (MM/AA)").bounding_box()["y"]
    cvc_top = page.get_by_label("Cryptogramme").bounding_box()["y"]
    assert expiry_top == cvc_top  # the fields stay aligned beside an error
    journey.shoot("payment-bad-expiry")
    page.get_by_label("Expiration (MM/AA)").fill("12/30")
    page.get_by_label("Cryptogramme").fill("123")
    page.locator("#pay-button").click()
    page.wait_for_url("**/confirmation/**")
    expect(page.locator(".success-mark")).to_be_visible()
    journey.shoot("confirmation")
    order = Order.objects.get(email="lea@example.com")
    assert list(order.events.values_list("to_status", flat=True)) == ["pending", "failed", "paid"]
    look_at_emails(journey)


def test_the_language_switch_turns_the_site_to_english_and_back(journey):
    page = journey.page
    journey.go("/")
    journey.shoot("landing")
    # The switch posts, then comes back to the same address: wait for the page's language.
    page.get_by_role("button", name=re.compile("^EN")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Your reading, revealed by an expert")
    page.get_by_role("button", name=re.compile("^FR")).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Votre lecture, révélée par un expert")


def test_the_success_moment_stays_still_for_reduced_motion(journey, browser, live_server):
    from tests.factories import OrderFactory

    order = OrderFactory(paid=True)
    page = journey.page
    page.emulate_media(reduced_motion="reduce")
    journey.go(f"/confirmation/?order_id={order.public_id}")
    offset = page.evaluate(
        "getComputedStyle(document.querySelector('.success-mark path')).strokeDashoffset"
    )
    assert offset in ("0", "0px")


PUBLIC_PAGES = [
    ("landing", "/"),
    ("checkout", "/commande/?offer=profond"),
    ("unknown-offer", "/commande/?offer=nulle-part"),
    ("unknown-order", "/confirmation/?order_id=00000000-0000-4000-8000-000000000000"),
    ("missing-page", "/nulle-part/"),
    ("sanctuaire-login", "/sanctuaire/connexion/"),
    ("sanctuaire-link-sent", "/sanctuaire/connexion/envoye/"),
    ("desk-login", "/desk/connexion/"),
    ("password-reset", "/desk/mot-de-passe/"),
    ("password-reset-sent", "/desk/mot-de-passe/envoye/"),
    ("password-reset-used-link", "/desk/mot-de-passe/MQ/lien-invalide/"),
    ("password-reset-done", "/desk/mot-de-passe/fait/"),
]


# The French journeys above and in the other files already shoot the landing, the tunnel, the
# Sanctuaire's and the desk's sign-in; French adds here only the pages they do not reach.
SHOWN_IN_FRENCH_ELSEWHERE = {"landing", "checkout", "sanctuaire-login", "desk-login"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_public_page_in_both_languages(browser, live_server, lang):
    """Each page shot at both widths, checked by axe (contrast included), in one language only,
    and asking nothing of another site."""
    from tests.e2e.conftest import new_journey

    journey, context = new_journey(browser, live_server, f"public-pages-{lang}", lang=lang)
    try:
        for name, path in PUBLIC_PAGES:
            if lang == "fr" and name in SHOWN_IN_FRENCH_ELSEWHERE:
                continue
            journey.go(path)
            journey.shoot(name)
    finally:
        context.close()
