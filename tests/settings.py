"""Test settings: the real settings, made safe and fast for the suite."""

import os

# Not the developer's .env (`make run` writes DEBUG=1 there): the suite checks the defaults.
os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij")
# A developer's .env must never send a test to Stripe.
os.environ["STRIPE_SECRET_KEY"] = ""
os.environ["STRIPE_PUBLISHABLE_KEY"] = ""
os.environ["STRIPE_WEBHOOK_SECRET"] = ""
os.environ["GENERATION_WEBHOOK_URL"] = ""
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from lumira.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PAYMENTS_DEMO = True
STRIPE_MAX_NETWORK_RETRIES = 2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tasks run at once, in the test's process (after the commit, see operations.tasks.enqueue);
# the tests of the queue itself switch to the database backend and run the real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No collected static files in tests: the live server serves them from the apps' folders, and a
# developer's leftover `staticfiles/` (collectstatic, a container build) would have whitenoise
# scan every file each time a test client builds its middleware.
STATIC_ROOT = None
