"""Where legacy documents come from: a mongodump directory or a live MongoDB (SPEC §10).

Both readers answer the same two questions, so the import never knows which one it reads.
"""

import gzip
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import IO, Protocol

import bson
from bson.codec_options import CodecOptions, DatetimeConversion
from bson.errors import InvalidBSON

# BSON dates are instants: decode them as aware UTC datetimes. Dates outside Python's range
# (a JavaScript "Invalid Date", year 0) come back as DatetimeMS and are rejected by the mapping
# instead of stopping the whole file.
CODEC_OPTIONS = CodecOptions(
    tz_aware=True, tzinfo=UTC, datetime_conversion=DatetimeConversion.DATETIME_AUTO
)
# MongoDB refuses documents over 16 MiB; a larger length prefix means the file is damaged.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 + 16 * 1024


@dataclass(frozen=True)
class UnreadableDocument:
    """A document of a dump that could not be decoded; `position` counts from 1 in its file."""

    position: int
    reason: str


Document = dict | UnreadableDocument


class Reader(Protocol):
    def has(self, collection: str) -> bool: ...

    def documents(self, collection: str) -> Iterator[Document]: ...


class DumpReader:
    """A mongodump directory: `<collection>.bson` or `<collection>.bson.gz` per collection.

    `directory` may be the dump root (holding one folder per database) or the database's folder.
    """

    def __init__(self, directory: Path | str, database: str = "lumira-mvp") -> None:
        directory = Path(directory)
        if (directory / database).is_dir():
            directory = directory / database
        if not directory.is_dir():
            raise FileNotFoundError(f"no dump directory at {directory}")
        self.directory = directory

    def _path(self, collection: str) -> Path | None:
        for name in (f"{collection}.bson", f"{collection}.bson.gz"):
            if (self.directory / name).is_file():
                return self.directory / name
        return None

    def has(self, collection: str) -> bool:
        return self._path(collection) is not None

    def documents(self, collection: str) -> Iterator[Document]:
        path = self._path(collection)
        if path is None:
            return
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as stream:
            yield from read_bson_stream(stream)


def read_bson_stream(stream: IO[bytes]) -> Iterator[Document]:
    """Documents of a .bson stream, framed like `bson.decode_file_iter`.

    Unlike `decode_file_iter`, a document whose bytes do not decode is reported and the next one
    is read: its length prefix is still good, so one bad document never stops the file. Only a
    damaged length prefix (or a cut-off file) ends the reading, since nothing after it can be
    located.
    """
    position = 0
    while True:
        prefix = stream.read(4)
        if not prefix:
            return
        position += 1
        if len(prefix) < 4:
            yield UnreadableDocument(position, "fichier tronqué (longueur incomplète)")
            return
        (size,) = struct.unpack("<i", prefix)
        if not 5 <= size <= MAX_DOCUMENT_BYTES:
            yield UnreadableDocument(
                position, f"longueur de document invalide ({size}) : suite du fichier illisible"
            )
            return
        body = stream.read(size - 4)
        if len(body) < size - 4:
            yield UnreadableDocument(position, "fichier tronqué (document incomplet)")
            return
        try:
            yield bson.decode(prefix + body, codec_options=CODEC_OPTIONS)
        except (InvalidBSON, ValueError, OverflowError) as error:
            yield UnreadableDocument(position, f"BSON illisible : {error}")


class LiveReader:
    """A live database through pymongo's client interface (pymongo or mongomock)."""

    def __init__(self, client, database: str) -> None:
        self.database = client[database]

    def has(self, collection: str) -> bool:
        return collection in self.database.list_collection_names()

    def documents(self, collection: str) -> Iterator[Document]:
        # _id order is creation order: the first of two duplicates is the one kept.
        yield from self.database[collection].find({}, sort=[("_id", 1)], batch_size=1000)
