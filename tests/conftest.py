import pytest
from django.conf import settings

from tests import factories


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    """Each test writes its uploads to its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private_media", "base_url": None},
        },
    }


@pytest.fixture
def offer(db):
    """The seeded Mystique offer (level 2, 47,00 €)."""
    from orders.models import Offer

    return Offer.objects.get(slug="mystique")


@pytest.fixture
def house_expert(db):
    from experts.models import Expert

    return Expert.house()


@pytest.fixture
def expert_user(db):
    return factories.ExpertFactory().user


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(is_staff=True, is_superuser=True)


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


postgres_only = pytest.mark.skipif(
    not is_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://…"
)
