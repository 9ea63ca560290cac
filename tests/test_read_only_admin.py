"""Records only the code writes stay read-only in the admin; a login lock can still be lifted."""

import pytest

from billing import services as billing
from ops.models import LoginFailure
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_an_invoice_cannot_be_added_edited_or_deleted(admin_client):
    invoice = billing.issue_invoice(OrderFactory(paid=True))
    assert admin_client.get("/admin/billing/invoice/add/").status_code == 403
    admin_client.post(f"/admin/billing/invoice/{invoice.pk}/delete/", {"post": "yes"})
    assert type(invoice).objects.filter(pk=invoice.pk).exists()


def test_an_admin_lifts_a_login_lock_by_deleting_its_failures(admin_client):
    failure = LoginFailure.objects.create(username="orion@example.com", ip_address="203.0.113.5")
    assert admin_client.get("/admin/ops/loginfailure/add/").status_code == 403
    admin_client.post(f"/admin/ops/loginfailure/{failure.pk}/delete/", {"post": "yes"})
    assert not LoginFailure.objects.filter(pk=failure.pk).exists()
