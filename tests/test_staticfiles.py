"""lumira.staticfiles: whitenoise's manifest storage, each URL computed once per process."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from lumira.staticfiles import StaticFilesStorage
from tests.production import run_with_production_settings

MANIFEST = {
    "version": "1.1",
    "hash": "0123456789ab",
    "paths": {
        "css/lumira.css": "css/lumira.1a2b3c4d5e6f.css",
        "img/favicon.svg": "img/favicon.abcdef012345.svg",
        "fonts/serif.woff2": "fonts/serif.9f8e7d6c5b4a.woff2",
    },
}


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_urls_are_whitenoise_s(storage, tmp_path):
    stock = CompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    for name in [*MANIFEST["paths"], "fonts/serif.woff2#iefix", "css/lumira.css?v=2"]:
        assert storage.url(name) == stock.url(name)
        assert storage.url(name) == stock.url(name)  # the remembered answer too
    assert storage.url("css/lumira.css") == "/static/css/lumira.1a2b3c4d5e6f.css"


def test_a_url_is_computed_once(storage):
    first = storage.url("css/lumira.css")
    # The manifest does not change while a process runs; if it did, the first answer stands...
    storage.hashed_files["css/lumira.css"] = "css/lumira.ffffffffffff.css"
    assert storage.url("css/lumira.css") == first
    # ...except for collectstatic's own rewriting (force=True), which always asks the manifest.
    assert storage.url("css/lumira.css", force=True) == "/static/css/lumira.ffffffffffff.css"


def test_a_name_missing_from_the_manifest_raises_every_time(storage):
    for _attempt in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    assert "css/missing.css" not in storage._urls


def test_production_settings_use_it():
    """In a fresh process with the production settings (DEBUG=0), as gunicorn runs them."""
    result = run_with_production_settings(
        [
            "-c",
            "import django; django.setup(); "
            "from django.contrib.staticfiles.storage import staticfiles_storage as s; "
            "s._setup(); print(type(s._wrapped).__module__)",
        ]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lumira.staticfiles"
