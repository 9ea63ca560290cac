"""`manage.py import_legacy`: bring the original MongoDB data over (SPEC §10).

    manage.py import_legacy --dump dump/ [--db lumira-mvp]
    manage.py import_legacy --mongo-uri mongodb://… [--db lumira-mvp]   (MONGODB_URI by default)
    … --files-base-url https://old-storage.example/   also fetch the orders' files from there

Prints created / updated / unchanged / merged / skipped / rejected per collection and writes
every rejected or skipped document's id and reason to a JSON report (`--report`, by default
`legacy-import-<UTC time>.json` in the current directory).
"""

import json
from pathlib import Path

import pymongo
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from pymongo.errors import PyMongoError

from legacy.importer import BATCH_SIZE, import_legacy
from legacy.readers import DumpReader, LiveReader

DEFAULT_DATABASE = "lumira-mvp"


class Command(BaseCommand):
    help = "Import the original MongoDB collections (a mongodump directory or a live database)."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--dump", type=Path, help="mongodump directory")
        source.add_argument("--mongo-uri", help="MongoDB URI (default: the MONGODB_URI setting)")
        parser.add_argument("--db", help=f"database name (default: {DEFAULT_DATABASE})")
        parser.add_argument("--dry-run", action="store_true", help="report without writing")
        parser.add_argument("--report", type=Path, help="JSON report path")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--files-base-url",
            default="",
            help="fetch the photos, audio and PDF the orders name from <URL>/<path> "
            "(background tasks, HTTPS)",
        )

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être au moins 1.")
        base_url = options["files_base_url"].strip()
        if base_url and not base_url.lower().startswith(("https://", "http://")):
            raise CommandError("--files-base-url doit être une adresse https://…")
        database = options["db"] or DEFAULT_DATABASE
        client = None
        if options["dump"] is not None:
            try:
                reader = DumpReader(options["dump"], database)
            except FileNotFoundError as error:
                raise CommandError(str(error)) from None
            source = f"dump {reader.directory}"
        else:
            uri = options["mongo_uri"] or settings.MONGODB_URI
            if not uri:
                raise CommandError("Indiquez --dump DIR ou --mongo-uri URI (ou MONGODB_URI).")
            client = pymongo.MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=10_000)
            database = options["db"] or client.get_default_database(DEFAULT_DATABASE).name
            reader = LiveReader(client, database)
            source = f"mongodb {database}"
        try:
            report = import_legacy(
                reader,
                source=source,
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                files_base_url=base_url,
            )
        except PyMongoError as error:
            raise CommandError(f"MongoDB injoignable ou en erreur : {error}") from None
        finally:
            if client is not None:
                client.close()

        if report.dry_run:
            self.stdout.write(self.style.WARNING("Essai (--dry-run) : rien n’a été écrit."))
        self.stdout.write(f"Source : {report.source}")
        for line in report.lines():
            self.stdout.write(line)
        path = options["report"] or Path(f"legacy-import-{timezone.now():%Y%m%d-%H%M%S}.json")
        try:
            path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        except OSError as error:
            raise CommandError(f"Rapport non écrit ({path}) : {error}") from None
        self.stdout.write(f"Rapport : {path.resolve()}")
