import pytest
from django.db import connection

from tests import factories, stripe_fake

WEBHOOK_SECRET = "whsec_test_0123456789abcdefABCDEF"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Longest first within each of pytest-django's groups (it then sorts, stably, the tests
    in one transaction before those that commit): the desk's journey, the other browser
    journeys, then the rest. pytest-xdist hands tests out in this order, so the short ones
    even out the end on both cores."""

    def weight(item) -> int:
        if item.nodeid.startswith("tests/e2e/test_desk.py"):
            return 0
        return 1 if item.nodeid.startswith("tests/e2e/") else 2

    items.sort(key=weight)


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


def seed_catalogue() -> None:
    """What the data migrations seed: the four offers and the house expert."""
    from importlib import import_module

    from django.apps import apps

    import_module("orders.migrations.0002_default_offers").create_offers(apps, None)
    import_module("orders.migrations.0010_offer_delivery_promises").set_promises(apps, None)
    import_module("experts.migrations.0002_house_expert").create_house_expert(apps, None)
    import_module("experts.migrations.0005_house_expert_bio").set_bio(apps, None)
    import_module("legal.migrations.0002_default_pages").create_pages(apps, None)


@pytest.fixture(autouse=True)
def _seeded_catalogue(request):
    """Every database test starts with what the migrations seeded.

    A transactional test (threads, the live server) flushes the database when it ends.
    pytest-django runs those after the others, but a pytest-xdist worker that steals tests
    (`--dist worksteal`) can be handed others after one: those find the catalogue gone and
    put it back, inside their own transaction. Transactional tests always put it back."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        seed_catalogue()
    elif marker or "db" in request.fixturenames:
        from orders.models import Offer

        request.getfixturevalue("db")
        if not Offer.objects.exists():
            seed_catalogue()


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts in the site's language: a request in English leaves English active in
    the test's thread, which the next test would otherwise inherit."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (the landing page's offer grid) starts empty in every test."""
    from django.core.cache import cache

    cache.clear()


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
    return connection.vendor == "postgresql"


postgres_only = pytest.mark.skipif(
    not is_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://…"
)


@pytest.fixture
def fake_stripe(settings):
    """Real Stripe mode, pointed at a local fake of the Stripe API."""
    state, server = stripe_fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_lumira0123456789abcdef"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_lumira0123456789abcdef"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = state.url
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def task_queue(settings):
    """The database queue instead of the immediate backend: tasks wait for a worker.

    Returns a function that runs every ready task in this process with the backend's own
    Worker.run_task, as `run_worker` would (without its loop, which closes the connection
    between tasks and would end the test's transaction on PostgreSQL).
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )

    def run_ready_tasks() -> None:
        while (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)

    return run_ready_tasks
