"""What an import did, per collection: counts, and the reason for every document not imported."""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.utils import timezone

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
MERGED = "merged"  # a productorder folded into the order of the same payment
SKIPPED = "skipped"  # deliberately left out (with a reason), not an error
REJECTED = "rejected"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, MERGED, SKIPPED, REJECTED)
LABELS = {
    CREATED: "créés",
    UPDATED: "mis à jour",
    UNCHANGED: "inchangés",
    MERGED: "fusionnés",
    SKIPPED: "ignorés",
    REJECTED: "rejetés",
}


@dataclass
class Problem:
    id: str  # the legacy ObjectId, or "#<position>" for a document that could not be decoded
    outcome: str
    reason: str


@dataclass
class CollectionReport:
    collection: str
    found: bool = True
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    skipped: int = 0
    rejected: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def add(self, outcome: str, count: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + count)

    def note(self, document_id: str, outcome: str, reason: str) -> None:
        self.add(outcome)
        self.problems.append(Problem(document_id, outcome, reason))

    @property
    def total(self) -> int:
        return sum(getattr(self, outcome) for outcome in OUTCOMES)

    def counts(self) -> dict[str, int]:
        return {outcome: getattr(self, outcome) for outcome in OUTCOMES}


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    started_at: datetime = field(default_factory=timezone.now)
    finished_at: datetime | None = None
    collections: dict[str, CollectionReport] = field(default_factory=dict)
    # Legacy files handed to background downloads (import_legacy --files-base-url).
    files_queued: int = 0

    def __getitem__(self, collection: str) -> CollectionReport:
        return self.collections[collection]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return data

    def lines(self) -> list[str]:
        """The table the command prints."""
        width = max(len(label) for label in LABELS.values())
        header = (
            "collection".ljust(16)
            + "".join(LABELS[outcome].rjust(width + 2) for outcome in OUTCOMES)
            + "durée".rjust(9)
        )
        rows = [header]
        for name, part in self.collections.items():
            if not part.found:
                rows.append(f"{name.ljust(16)}  (absente de la source)")
                continue
            rows.append(
                name.ljust(16)
                + "".join(str(getattr(part, outcome)).rjust(width + 2) for outcome in OUTCOMES)
                + f"{part.seconds:8.1f}s"
            )
        if self.files_queued:
            rows.append(f"fichiers à télécharger en tâche de fond : {self.files_queued}")
        return rows
