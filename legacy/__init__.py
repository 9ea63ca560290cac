"""Bringing the original MongoDB data over (SPEC §10): readers, mapping, and the import itself.

`readers` turns a mongodump directory or a live database into documents, `mapping` turns one
document into model fields (or a reason to reject it), `importer` writes them in batches and
returns an `ImportReport`. The `import_legacy` command only wires these together.
"""
