"""lumira.auth.ModelBackend.get_user: the session's user and its profiles, one plain query.

Each instance must be what the ORM would have built (same values, same Python types, saved
state), on SQLite and on PostgreSQL alike: the suite runs on both.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experts.models import Expert
from lumira.auth import ModelBackend
from sanctuaire.models import ClientProfile
from tests import factories
from tests.orm import assert_same_as_orm

pytestmark = pytest.mark.django_db


def test_a_client_and_profile_in_one_query_read_as_the_orm_reads_them():
    user = factories.UserFactory(first_name="Élise", last_name="Durand")
    user.last_login = timezone.now() - timedelta(days=2)
    user.save()
    ClientProfile.objects.create(user=user, date_of_birth=date(1988, 3, 14))

    with CaptureQueriesContext(connection) as queries:
        loaded = ModelBackend().get_user(user.pk)
        profile = loaded.client_profile
        assert profile.user is loaded
        # No expert for a client: the usual exception, and still no query.
        with pytest.raises(Expert.DoesNotExist):
            getattr(loaded, "expert")  # noqa: B009 - the access is the test
    assert len(queries) == 1

    assert_same_as_orm(loaded)
    assert_same_as_orm(profile)
    assert profile.date_of_birth == date(1988, 3, 14)
    assert loaded.last_login.tzinfo is not None


def test_an_expert_row_keeps_its_json_decimal_uuid_and_dates():
    expert = factories.ExpertFactory(
        specialties=["tarot", "astrologie"], rating=Decimal("4.75"), is_house=False
    )
    expert.last_login_at = timezone.now()
    expert.save()

    with CaptureQueriesContext(connection) as queries:
        loaded = ModelBackend().get_user(expert.user.pk)
        assert loaded.expert.user is loaded
        with pytest.raises(ClientProfile.DoesNotExist):
            getattr(loaded, "client_profile")  # noqa: B009 - the access is the test
    assert len(queries) == 1

    assert_same_as_orm(loaded.expert)
    assert loaded.expert.specialties == ["tarot", "astrologie"]
    assert loaded.expert.rating == Decimal("4.75")
    assert loaded.expert.public_id == expert.public_id


def test_a_loaded_user_saves_like_any_other():
    user = factories.UserFactory(first_name="Avant")
    loaded = ModelBackend().get_user(user.pk)
    loaded.first_name = "Après"
    loaded.save(update_fields=["first_name"])
    assert get_user_model().objects.get(pk=user.pk).first_name == "Après"


def test_unknown_and_inactive_users_are_nobody():
    user = factories.UserFactory(is_active=False)
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user(user.pk + 1000) is None


def test_a_deactivated_client_is_logged_out_on_the_next_request(client):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get("/sanctuaire/").status_code == 302  # logged in: to the profile form
    assert "/sanctuaire/profil/" in client.get("/sanctuaire/")["Location"]
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/sanctuaire/")
    assert response.status_code == 302
    assert "/sanctuaire/connexion/" in response["Location"]
