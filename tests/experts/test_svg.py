"""The mandala SVG: sanitised on save, served so that nothing in it can run."""

import pytest

from orders.models import Reading
from orders.svg import InvalidSvg, sanitize_svg
from tests.factories import text_of

pytestmark = pytest.mark.django_db

MANDALA = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 100 100"><defs><radialGradient id="g"><stop offset="0" stop-color="gold"/>'
    '</radialGradient></defs><circle cx="50" cy="50" r="40" fill="url(#g)"/>'
    '<use xlink:href="#g"/></svg>'
)


def test_a_clean_mandala_keeps_its_drawing():
    clean = sanitize_svg(MANDALA)
    assert '<circle cx="50" cy="50" r="40" fill="url(#g)" />' in clean
    assert 'stop-color="gold"' in clean
    assert 'xlink:href="#g"' in clean
    assert clean.startswith('<svg xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.parametrize(
    ("hostile", "gone"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><g/></svg>', "script"),
        ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><g/></svg>', "onload"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><circle ONCLICK="alert(1)"/></svg>', "alert"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<use xlink:href="https://evil.example/x.svg#a"/></svg>',
            "evil.example",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><use href="data:image/svg+xml;base64,AA"/>'
            "</svg>",
            "data:",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/a.png"/>'
            "</svg>",
            "evil.example",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div '
            'xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div>'
            "</foreignObject></svg>",
            "foreignObject",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/)"/>'
            "</svg>",
            "evil.example",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/);'
            "</style></svg>",
            "evil.example",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><g/></a></svg>',
            "javascript",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onload" to="alert(1)"/>'
            "</svg>",
            "alert",
        ),
    ],
)
def test_hostile_parts_are_removed(hostile, gone):
    clean = sanitize_svg(hostile)
    assert gone.lower() not in clean.lower()
    assert clean.startswith("<svg")


@pytest.mark.parametrize(
    "unreadable",
    [
        "pas du svg",
        "<svg><g></svg>",
        '<!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
        '<svg><path d="' + "M0 0 " * 110_000 + '"/></svg>',
        "<svg>" + "<g>" * 5000 + "</g>" * 5000 + "</svg>",
    ],
)
def test_unreadable_or_foreign_documents_are_refused(unreadable):
    with pytest.raises(InvalidSvg):
        sanitize_svg(unreadable)


def test_the_editor_saves_a_sanitised_mandala_and_says_when_it_cannot(client, expert_user):
    from orders import services
    from tests import factories

    order = factories.OrderFactory(ready=True, offer_level=4)
    services.claim(order, expert=expert_user.expert, actor=expert_user)
    client.force_login(expert_user)
    url = f"/desk/commande/{order.public_id}/contenu/"
    client.post(url, {"mandala": MANDALA.replace("<defs>", "<script>alert(1)</script><defs>")})
    assert "<circle" in text_of(order, "mandala")
    assert "script" not in text_of(order, "mandala")
    response = client.post(url, {"mandala": "<svg><oups"})
    assert response.status_code == 400
    assert "Ce n’est pas un SVG lisible" in response.content.decode()
    assert "<circle" in text_of(order, "mandala")


def test_the_mandala_is_served_as_an_inert_image(client, expert_user):
    from tests import factories

    # Stored unsanitised (as an import could): the desk view cleans it again before serving.
    order = factories.OrderFactory(
        paid=True,
        offer_level=4,
        reading__texts={
            "mandala": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            "<script>alert(2)</script><circle r='4'/></svg>"
        },
    )
    client.force_login(expert_user)
    page = client.get(f"/desk/commande/{order.public_id}/").content.decode()
    assert f'<img src="/desk/commande/{order.public_id}/mandala.svg' in page
    assert "alert(" not in page
    response = client.get(f"/desk/commande/{order.public_id}/mandala.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert (
        response["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "<circle" in body
    assert "alert" not in body
    assert "onload" not in body


def test_no_mandala_is_a_404(client, expert_user):
    from tests import factories

    order = factories.OrderFactory(paid=True, offer_level=4)
    client.force_login(expert_user)
    assert client.get(f"/desk/commande/{order.public_id}/mandala.svg").status_code == 404
    Reading.objects.create(order=order, texts={"mandala": "<not svg"})
    assert client.get(f"/desk/commande/{order.public_id}/mandala.svg").status_code == 404
