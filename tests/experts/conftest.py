import pytest

from orders.models import Order, Reading
from orders.sections import TEXT_SECTIONS, Kind
from tests import factories


@pytest.fixture
def expert(expert_user):
    return expert_user.expert


@pytest.fixture
def other_expert_user(db):
    return factories.ExpertFactory(name="Orion").user


@pytest.fixture
def client_user(db):
    return factories.UserFactory(username="cliente@example.com")


@pytest.fixture
def inactive_expert_user(db):
    return factories.ExpertFactory(is_active=False).user


@pytest.fixture
def paid_order(db):
    return factories.OrderFactory(ready=True, question="Vais-je changer de voie cette année ?")


@pytest.fixture
def processing_order(paid_order, expert_user):
    from orders import services

    services.claim(paid_order, expert=expert_user.expert, actor=expert_user)
    return paid_order


def fill_content(order: Order) -> None:
    """Write every text section straight to the reading, as a finished preparation would."""
    texts = {
        section.name: "<svg></svg>" if section.kind == Kind.SVG else f"Texte : {section.label}."
        for section in TEXT_SECTIONS
    }
    Reading.objects.update_or_create(order=order, defaults={"texts": texts})
    order.refresh_from_db()
