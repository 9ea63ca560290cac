"""Response headers and deployment checks with the production settings (DEBUG off)."""

import subprocess

import pytest
from django.conf import settings

from tests.factories import OrderFactory
from tests.production import run_with_production_settings

pytestmark = pytest.mark.django_db

# Pages, JSON answers and error answers alike: every response carries the headers.
URLS = [
    "/",
    "/commande/?offer=mystique",
    "/commande/?offer=nope",  # 404 page
    "/api/payments/order/not-a-uuid",  # JSON 404
    "/healthz",
]


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_the_suite_runs_with_debug_off():
    # The header tests below read the production values: lumira.settings with DEBUG off.
    assert settings.DEBUG is False


@pytest.mark.parametrize("url", URLS)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]


def test_csp_allows_no_inline_script_and_only_stripe_from_outside(client):
    directives = csp_directives(client.get("/"))
    assert directives["script-src"] == ["'self'", "https://js.stripe.com"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert set(directives["frame-src"]) == {"https://js.stripe.com", "https://hooks.stripe.com"}
    assert directives["connect-src"] == ["'self'", "https://api.stripe.com"]


def test_the_webhook_refusal_carries_the_headers_too(client):
    response = client.post("/api/payments/webhook", b"{}", content_type="application/json")
    assert response.status_code == 400
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_hsts_is_sent_over_https_only(client):
    secure = client.get("/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/")


def test_hsts_follows_the_proxy_header_behind_a_tls_terminating_load_balancer(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_plain_http_is_redirected_to_https_when_the_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/commande/?offer=mystique")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/commande/?offer=mystique"
    # The load balancer probes over plain HTTP.
    assert client.get("/healthz").status_code == 200


def test_cookies_are_secure_and_the_session_is_http_only(client, house_expert):
    page = client.get("/commande/?offer=mystique", secure=True)
    assert page.cookies["csrftoken"]["secure"] is True
    response = client.post(
        "/commande/",
        {
            "offer": "mystique",
            "email": "lea@example.com",
            "first_name": "Léa",
            "last_name": "Martin",
            "expert": "expert-lumira",
        },
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_the_mandala_policy_set_by_a_view_is_kept(client, rf):
    """A stricter CSP set by a view (the mandala SVG) wins over the default one."""
    from django.http import HttpResponse

    from lumira.middleware import SecurityHeadersMiddleware

    strict = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

    def view(request):
        response = HttpResponse(b"<svg/>", content_type="image/svg+xml")
        response["Content-Security-Policy"] = strict
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert response["Content-Security-Policy"] == strict
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_an_order_page_is_not_framed_or_sniffed(client):
    order = OrderFactory(paid=True)
    response = client.get(f"/confirmation/?order_id={order.public_id}")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- manage.py check --deploy -----------------------------------------------------------------


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` in a fresh process, production-like."""
    return run_with_production_settings(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **{
            "ALLOWED_HOSTS": "lumira.example",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "PAYMENTS_DEMO": "0",
            **overrides,
        },
    )


def test_check_deploy_is_clean_for_a_demo_server():
    result = deploy_check(PAYMENTS_DEMO="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_is_clean_with_well_formed_stripe_keys():
    result = deploy_check(
        STRIPE_SECRET_KEY="sk_test_" + "a1B2c3D4e5" * 3,
        STRIPE_PUBLISHABLE_KEY="pk_test_" + "f6G7h8J9k0" * 3,
        STRIPE_WEBHOOK_SECRET="whsec_" + "m1N2p3Q4r5" * 3,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_on_a_publishable_key_given_as_secret_key():
    result = deploy_check(
        STRIPE_SECRET_KEY="pk_test_abc123456789",
        STRIPE_PUBLISHABLE_KEY="pk_test_abc123456789",
        STRIPE_WEBHOOK_SECRET="whsec_" + "m1N2p3Q4r5" * 3,
    )
    assert result.returncode == 1
    assert "payments.E001" in result.stderr
    assert "STRIPE_SECRET_KEY holds a publishable key (pk_…)." in result.stderr


def test_check_deploy_refuses_demo_payments_with_debug_off():
    result = deploy_check()
    assert result.returncode == 1
    assert "payments.E004" in result.stderr


def test_check_deploy_warns_about_plain_http_in_production():
    result = deploy_check(PAYMENTS_DEMO="1", SECURE_SSL_REDIRECT="0")
    assert result.returncode == 1
    assert "security.W008" in result.stderr
