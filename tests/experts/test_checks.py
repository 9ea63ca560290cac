from django.test import override_settings

from experts.checks import check_generation_settings


def test_generator_settings_are_fine_when_unset_or_complete():
    with override_settings(GENERATION_WEBHOOK_URL="", GENERATION_WEBHOOK_SECRET=""):
        assert check_generation_settings() == []
    with override_settings(
        GENERATION_WEBHOOK_URL="https://n8n.example.com/hook", GENERATION_WEBHOOK_SECRET="s3cret"
    ):
        assert check_generation_settings() == []


def test_a_url_without_secret_or_with_another_scheme_is_reported():
    with override_settings(
        GENERATION_WEBHOOK_URL="file:///etc/passwd", GENERATION_WEBHOOK_SECRET=""
    ):
        assert [error.id for error in check_generation_settings()] == [
            "experts.E001",
            "experts.E002",
        ]
