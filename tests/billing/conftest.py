from tests.payments.conftest import post_webhook, webhook_secret  # noqa: F401
