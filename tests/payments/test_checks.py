import pytest
from django.test import override_settings

from payments.checks import check_stripe_settings

GOOD = {
    "STRIPE_SECRET_KEY": "sk_test_51Habcdefghij0123456789",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_51Habcdefghij0123456789",
    "STRIPE_WEBHOOK_SECRET": "whsec_abcdefghij0123456789",
}


def _ids(**overrides) -> list[str]:
    with override_settings(**{**GOOD, **overrides}):
        return [error.id for error in check_stripe_settings()]


def test_well_formed_keys_pass():
    assert _ids() == []
    assert (
        _ids(
            STRIPE_SECRET_KEY="rk_live_51Habcdefghij0123456789",
            STRIPE_PUBLISHABLE_KEY="pk_live_51Habcdefghij0123456789",
        )
        == []
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"STRIPE_SECRET_KEY": "pk_test_51Habcdefghij0123456789"}, "payments.E001"),
        ({"STRIPE_SECRET_KEY": "sk_test_51Habc defghij0123456789"}, "payments.E001"),
        ({"STRIPE_SECRET_KEY": " sk_test_51Habcdefghij0123456789"}, "payments.E001"),
        ({"STRIPE_SECRET_KEY": '"sk_test_51Habcdefghij0123456789"'}, "payments.E001"),
        ({"STRIPE_PUBLISHABLE_KEY": "sk_test_51Habcdefghij0123456789"}, "payments.E002"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "payments.E003"),
        ({"STRIPE_WEBHOOK_SECRET": "whsec abc"}, "payments.E003"),
        ({"STRIPE_PUBLISHABLE_KEY": "pk_live_51Habcdefghij0123456789"}, "payments.E005"),
        ({"STRIPE_PUBLISHABLE_KEY": ""}, "payments.E006"),
    ],
)
def test_malformed_keys_are_reported(overrides, expected):
    assert expected in _ids(**overrides)


def test_the_publishable_key_in_the_secret_slot_gets_a_clear_hint():
    with override_settings(**{**GOOD, "STRIPE_SECRET_KEY": "pk_test_51Habcdefghij0123456789"}):
        [error] = [e for e in check_stripe_settings() if e.id == "payments.E001"]
    assert "publishable key" in error.msg
    assert "STRIPE_PUBLISHABLE_KEY" in error.hint


def test_demo_mode_is_refused_with_debug_off_unless_asked_for():
    with override_settings(STRIPE_SECRET_KEY="", DEBUG=False, PAYMENTS_DEMO=False):
        assert [e.id for e in check_stripe_settings()] == ["payments.E004"]
    with override_settings(STRIPE_SECRET_KEY="", DEBUG=False, PAYMENTS_DEMO=True):
        assert check_stripe_settings() == []
    with override_settings(STRIPE_SECRET_KEY="", DEBUG=True, PAYMENTS_DEMO=False):
        assert check_stripe_settings() == []


# `manage.py check --deploy` itself, in a subprocess with production settings, is tested in
# tests/security/test_headers.py.
