import gzip
import io
import struct

import bson
import pytest

from legacy.readers import DumpReader, UnreadableDocument, read_bson_stream
from tests.legacy.conftest import at, legacy_order, oid, write_dump


def test_plain_and_gzipped_dumps_read_the_same_documents(tmp_path):
    documents = [legacy_order(_id=oid(), orderNumber=f"LU-{n}") for n in range(3)]
    write_dump(tmp_path / "plain", {"orders": documents})
    write_dump(tmp_path / "gz", {"orders": documents}, gzipped={"orders"})

    plain = list(DumpReader(tmp_path / "plain").documents("orders"))
    zipped = list(DumpReader(tmp_path / "gz").documents("orders"))

    assert [d["_id"] for d in plain] == [d["_id"] for d in documents]
    assert zipped == plain
    assert (tmp_path / "gz" / "lumira-mvp" / "orders.bson.gz").is_file()


def test_dates_come_back_as_aware_utc_instants(tmp_path):
    write_dump(tmp_path, {"orders": [legacy_order(paidAt=at(2025, 1, 12, 9, 31, 2))]})

    (document,) = DumpReader(tmp_path).documents("orders")

    assert document["paidAt"] == at(2025, 1, 12, 9, 31, 2)
    assert document["paidAt"].utcoffset().total_seconds() == 0
    assert document["formData"]["dateOfBirth"].tzinfo is not None


def test_the_database_folder_itself_can_be_given(tmp_path):
    write_dump(tmp_path, {"experts": [{"_id": oid(), "name": "A"}]}, db="autre")

    by_root = DumpReader(tmp_path, "autre")
    by_folder = DumpReader(tmp_path / "autre")

    assert by_root.directory == by_folder.directory == tmp_path / "autre"
    assert by_folder.has("experts")
    assert not by_folder.has("users")
    assert list(by_folder.documents("users")) == []


def test_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        DumpReader(tmp_path / "nowhere")


def test_a_document_that_does_not_decode_does_not_stop_the_file():
    good = [bson.encode({"_id": oid(), "n": n}) for n in range(3)]
    # A sound length prefix around bytes that are not BSON (an unknown element type 0x42).
    broken = b"\x42n\x00\x01\x00\x00\x00\x00"
    broken = struct.pack("<i", len(broken) + 4) + broken
    stream = io.BytesIO(good[0] + broken + good[1] + good[2])

    documents = list(read_bson_stream(stream))

    assert [d["n"] for d in documents if isinstance(d, dict)] == [0, 1, 2]
    assert isinstance(documents[1], UnreadableDocument)
    assert documents[1].position == 2
    assert documents[1].reason.startswith("BSON illisible")


def test_a_cut_off_file_ends_with_an_unreadable_marker(tmp_path):
    data = bson.encode({"_id": oid(), "n": 1}) + bson.encode({"_id": oid(), "n": 2})[:-5]
    (tmp_path / "orders.bson.gz").write_bytes(gzip.compress(data))

    documents = list(DumpReader(tmp_path).documents("orders"))

    assert documents[0]["n"] == 1
    assert documents[1] == UnreadableDocument(2, "fichier tronqué (document incomplet)")


def test_an_impossible_length_stops_the_file_with_a_reason():
    stream = io.BytesIO(bson.encode({"n": 1}) + struct.pack("<i", 2**30) + b"\x00" * 10)

    documents = list(read_bson_stream(stream))

    assert len(documents) == 2
    assert "longueur de document invalide" in documents[1].reason
