import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order

pytestmark = pytest.mark.django_db


def test_import_legacy_prints_the_table_and_writes_the_report(dump_dir, legacy_data, tmp_path):
    out = StringIO()
    report_path = tmp_path / "report.json"

    call_command("import_legacy", "--dump", str(dump_dir), "--report", str(report_path), stdout=out)

    output = out.getvalue()
    assert "créés" in output
    assert "rejetés" in output
    (orders_line,) = [line.split() for line in output.splitlines() if line.startswith("orders ")]
    assert orders_line[:7] == ["orders", "9", "0", "0", "0", "0", "9"]
    assert f"Rapport : {report_path}" in output
    report = json.loads(report_path.read_text())
    assert report["dry_run"] is False
    orders = report["collections"]["orders"]
    assert orders["created"] == 9
    rejected = {p["id"]: p["reason"] for p in orders["problems"] if p["outcome"] == "rejected"}
    assert rejected[legacy_data.key("order_unknown_status")] == "statut inconnu : 'shipped'"
    assert Order.objects.count() == 10


def test_dry_run_writes_its_report_in_the_current_directory_and_nothing_else(
    dump_dir, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    out = StringIO()

    call_command("import_legacy", "--dump", str(dump_dir), "--dry-run", stdout=out)

    assert "rien n’a été écrit" in out.getvalue()
    assert Order.objects.count() == 0
    (report_path,) = tmp_path.glob("legacy-import-*.json")
    assert json.loads(report_path.read_text())["collections"]["orders"]["created"] == 9


def test_without_a_source_the_command_says_what_it_needs(settings):
    settings.MONGODB_URI = ""

    with pytest.raises(CommandError, match="--dump DIR ou --mongo-uri"):
        call_command("import_legacy")


def test_a_dump_directory_that_does_not_exist_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no dump directory"):
        call_command("import_legacy", "--dump", str(tmp_path / "absent"))
