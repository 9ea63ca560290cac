"""The second look, versions and complete deliverables (SPEC §5, §8.2, §8.4)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from orders import services
from orders.exceptions import ContentIncomplete, ValidationRefused
from orders.models import Order, Reading
from orders.sections import BY_NAME, sections_for_level
from tests import factories
from tests.experts.conftest import fill_content
from tests.sanctuaire.helpers import make_client

pytestmark = pytest.mark.django_db

TEXTS = {
    "archetype": "L’Alchimiste",
    "reading": "Votre chemin s’ouvre.",
    "ritual": "Allumez une bougie blanche.",
    "blockages_analysis": "La peur du changement.",
    "soul_profile": "Une âme de passeuse.",
}
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="40" fill="#D4AF37"/></svg>'
)


def _submitted(author_user, *, level: int = 2, **fields) -> Order:
    order = factories.OrderFactory(ready=True, offer_level=level, **fields)
    services.claim(order, expert=author_user.expert, actor=author_user)
    Reading.objects.create(order=order, texts=TEXTS)
    order.refresh_from_db()
    if level >= 3:
        reading = order.reading
        reading.audio.save("audio.wav", io.BytesIO(WAV), save=False)
        reading.write_texts({"mandala": SVG})
        reading.save()
    services.submit_for_validation(order, actor=author_user)
    order.refresh_from_db()
    return order


# --- The second look is someone else's ---------------------------------------------------------


def test_the_author_can_neither_approve_nor_reject(client, expert_user):
    order = _submitted(expert_user)
    with pytest.raises(ValidationRefused):
        services.approve(order, validator=expert_user)
    with pytest.raises(ValidationRefused):
        services.reject(order, validator=expert_user, reason="Trop court.")
    client.force_login(expert_user)
    # Not in the author's queue; listed under it as theirs, waiting for someone else.
    queue, own = client.get("/desk/validation/").content.decode().split('id="own-title"')
    assert order.number not in queue
    assert "Rien à valider pour le moment." in queue
    assert order.number in own
    assert "On ne valide jamais une lecture que l’on a écrite" in own
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    assert "Valider et livrer" not in page
    assert "un autre expert lui donne son second regard" in page
    for action, data in (("valider", {}), ("rejeter", {"reason": "Trop court."})):
        response = client.post(f"/desk/commande/{order.public_id}/{action}/", data, follow=True)
        assert "Un second regard est nécessaire" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_VALIDATION
    assert order.events.count() == 2  # the claim and the submission, nothing more


def test_another_expert_approves_and_the_client_gets_the_approved_version(
    client, expert_user, other_expert_user
):
    order = _submitted(expert_user)
    client.force_login(other_expert_user)
    queue = client.get("/desk/validation/").content.decode()
    assert order.number in queue
    assert 'id="own-title"' not in queue  # nothing of theirs waits
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    assert "Valider et livrer" in page
    assert "Ce que le client lira" in page
    client.post(f"/desk/commande/{order.public_id}/valider/")
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.reading.approved_version.number == 1


def test_a_superuser_without_an_expert_profile_validates(client, expert_user):
    order = _submitted(expert_user)
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert order.number in client.get("/desk/validation/").content.decode()
    assert client.get(f"/desk/commande/{order.public_id}/").status_code == 200
    client.post(f"/desk/commande/{order.public_id}/valider/")
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.reading.validated_by == admin
    # Claiming stays for experts.
    assert client.get("/desk/").status_code == 403


def test_a_reading_written_by_two_experts_is_validated_by_neither(
    client, expert_user, other_expert_user
):
    order = factories.OrderFactory(ready=True)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    client.force_login(expert_user)
    client.post(
        f"/desk/commande/{order.public_id}/contenu/",
        {"archetype": "L’Étoile", "reading": "Un début.", "ritual": ""},
    )
    services.return_to_queue(order, actor=expert_user)
    services.claim(order, expert=other_expert_user.expert, actor=other_expert_user)
    fill_content(order)
    services.submit_for_validation(order, actor=other_expert_user)
    order.refresh_from_db()
    for writer in (expert_user, other_expert_user):
        with pytest.raises(ValidationRefused):
            services.approve(order, validator=writer)
    third = factories.ExpertFactory().user
    services.approve(order, validator=third)
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED


# --- Versions -----------------------------------------------------------------------------------


def test_a_rejected_then_approved_reading_shows_the_diff_and_only_the_approved_text(
    client, expert_user, other_expert_user
):
    order = _submitted(expert_user, email="lea@example.com")
    client.force_login(other_expert_user)
    client.post(f"/desk/commande/{order.public_id}/rejeter/", {"reason": "Développez la lecture."})
    client.force_login(expert_user)
    response = client.post(
        f"/desk/commande/{order.public_id}/contenu/",
        {**TEXTS, "reading": "Votre chemin s’ouvre vers l’ouest.", "action": "submit"},
    )
    assert response["Location"] == "/desk/"
    order.refresh_from_db()
    assert [v.number for v in order.reading.versions.all()] == [1, 2]
    assert order.reading.versions.get(number=2).author == expert_user

    client.force_login(other_expert_user)
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    assert "Ce qui a changé depuis la version précédente" in page
    assert "<del>s’ouvre.</del>" in page
    assert "<ins>s’ouvre vers l’ouest.</ins>" in page
    assert "Dernier motif de rejet" in page
    assert "Développez la lecture." in page
    assert "Version 2" in page
    assert "Version 1" in page
    client.post(f"/desk/commande/{order.public_id}/valider/")

    # A draft written after the approval (an admin's fix, say) never reaches the client.
    Reading.objects.filter(order=order).update(texts={**TEXTS, "reading": "Brouillon."})
    client.force_login(make_client("lea@example.com"))
    reading_page = client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    assert "Votre chemin s’ouvre vers l’ouest." in reading_page
    assert "Brouillon." not in reading_page
    assert "Votre chemin s’ouvre.<" not in reading_page


def test_the_validator_sees_which_files_changed_not_their_stored_names(
    client, expert_user, other_expert_user
):
    order = _submitted(expert_user, level=4)
    first_audio = order.reading.audio.name
    services.reject(order, validator=other_expert_user, reason="Une autre voix.")
    client.force_login(expert_user)
    client.post(
        f"/desk/commande/{order.public_id}/contenu/",
        {
            **TEXTS,
            "mandala": SVG,
            "audio": SimpleUploadedFile("voix-2.wav", WAV, content_type="audio/wav"),
            "action": "submit",
        },
    )
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_VALIDATION
    assert order.reading.audio.name != first_audio

    client.force_login(other_expert_user)
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    changes = page.split('id="changes-title"')[1].split("</section>")[0]
    assert "<h3>Audio</h3>\n      <p>Remplacé.</p>" in changes
    assert '<h3>Mandala</h3>\n      <p class="muted">Inchangé.</p>' in changes
    versions = page.split('id="versions-title"')[1].split("</section>")[0]
    assert "Audio : remplacé" in versions  # version 2 against version 1
    assert first_audio.rsplit("/", 1)[-1] not in versions
    assert order.reading.audio.name.rsplit("/", 1)[-1] not in versions


def test_the_admin_shows_the_versions(client, expert_user, admin_user):
    order = _submitted(expert_user)
    client.force_login(admin_user)
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "versions soumises" in page.lower()
    assert "Version 1" in page
    assert expert_user.get_username() in page


# --- Complete deliverables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "missing"),
    [
        (1, "archétype, lecture"),
        (3, "rituel, analyse des blocages, audio"),
        (4, "rituel, analyse des blocages, audio, profil d’âme, mandala"),
    ],
)
def test_submission_names_the_missing_sections_of_the_level(client, expert_user, level, missing):
    order = factories.OrderFactory(ready=True, offer_level=level)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    client.force_login(expert_user)
    texts = {"archetype": "L’Étoile", "reading": "Un texte."} if level > 1 else {}
    response = client.post(
        f"/desk/commande/{order.public_id}/contenu/", {**texts, "action": "submit"}
    )
    # The editor again, as saved: the list on top, and each missing section said at its field.
    assert response.status_code == 400
    page = response.content.decode()
    assert f"mais pas encore soumis ; il reste à compléter : {missing}." in page
    marked = {name for name in BY_NAME if f'id="id_{name}_error"' in page}
    assert marked == {
        name for name, section in BY_NAME.items() if str(section.label) in missing.split(", ")
    }
    assert "À compléter avant de soumettre." in page
    if texts:
        assert "Un texte.</textarea>" in page
    order.refresh_from_db()
    assert order.status == Order.Status.PROCESSING
    # What was typed is saved even though the submission was refused.
    if texts:
        assert order.reading.text("reading") == "Un texte."


def test_a_complete_level_four_reading_gets_a_generated_pdf_behind_the_ownership_check(
    client, expert_user, other_expert_user, django_capture_on_commit_callbacks
):
    order = factories.OrderFactory(
        ready=True, offer_level=4, first_name="Léa", email="lea@example.com"
    )
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    client.force_login(expert_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/desk/commande/{order.public_id}/contenu/",
            {
                **TEXTS,
                "mandala_file": SimpleUploadedFile("m.svg", SVG.encode(), "image/svg+xml"),
                "audio": SimpleUploadedFile("voix.wav", WAV, content_type="audio/wav"),
                "action": "submit",
            },
        )
    assert response["Location"] == "/desk/"
    order.refresh_from_db()
    reading = order.reading
    assert order.status == Order.Status.AWAITING_VALIDATION
    assert "<circle" in reading.text("mandala")
    assert reading.pdf
    assert reading.pdf_generated
    with default_storage.open(reading.pdf.name, "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Léa" in text
    for section in sections_for_level(4):
        if section.kind in {"short_text", "text"}:
            assert str(section.client_title) in text.replace("\u00a0", " ")
    assert reading.versions.get().files["pdf"] == reading.pdf.name

    client.force_login(other_expert_user)
    client.post(f"/desk/commande/{order.public_id}/valider/")
    url = f"/sanctuaire/commandes/{order.public_id}/pdf/"
    client.force_login(make_client("someone.else@example.com"))
    assert client.get(url).status_code == 404
    client.force_login(make_client("lea@example.com"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert (
        "Votre mandala" in client.get(f"/sanctuaire/commandes/{order.public_id}/").content.decode()
    )


def test_an_uploaded_pdf_replaces_the_generated_one(client, expert_user):
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    order = _submitted(expert_user, level=4)
    assert order.reading.pdf_generated  # the system made one at the submission
    services.reject(order, validator=factories.ExpertFactory().user, reason="Le PDF.")
    client.force_login(expert_user)
    client.post(
        f"/desk/commande/{order.public_id}/contenu/",
        {**TEXTS, "mandala": SVG, "pdf": SimpleUploadedFile("l.pdf", pdf, "application/pdf")},
    )
    order.refresh_from_db()
    assert order.reading.pdf
    assert not order.reading.pdf_generated
    assert not services.needs_generated_pdf(order, order.reading)


# --- One editor form ----------------------------------------------------------------------------


def test_the_editor_is_one_form_with_its_limits_shown(client, expert_user):
    order = factories.OrderFactory(ready=True, offer_level=4)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    client.force_login(expert_user)
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    editor = page[page.index("data-editor") :]
    editor = editor[: editor.index("</form>")]
    assert 'name="action" value="save"' in editor
    assert 'name="action" value="submit"' in editor
    assert "Enregistrer et soumettre" in editor
    assert 'maxlength="160"' in editor  # the archetype
    assert 'data-counter-for="id_archetype"' in editor
    assert 'name="mandala_file"' in editor
    assert "/static/js/desk_editor.js" in page or "desk_editor" in page
    assert "/soumettre/" not in page  # no second form that would lose the text


def test_a_mandala_file_that_is_not_svg_is_refused_at_its_field(client, expert_user):
    order = factories.OrderFactory(ready=True, offer_level=4)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    client.force_login(expert_user)
    response = client.post(
        f"/desk/commande/{order.public_id}/contenu/",
        {"mandala_file": SimpleUploadedFile("m.svg", b"\xff\xfe not svg", "image/svg+xml")},
    )
    assert response.status_code == 400
    assert "Ce fichier n’est pas un SVG lisible" in response.content.decode()


def test_submission_service_refuses_an_incomplete_level_three(expert_user):
    order = factories.OrderFactory(ready=True, offer_level=3)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    fill_content(order)
    with pytest.raises(ContentIncomplete) as incomplete:
        services.submit_for_validation(order, actor=expert_user)
    assert [section.name for section in incomplete.value.missing] == ["audio"]
