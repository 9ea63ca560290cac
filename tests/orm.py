"""Instances built from plain SQL (lumira.plainsql) must be what the ORM would have built."""


def fields_of(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def assert_same_as_orm(instance) -> None:
    """Every column equal to the ORM's reading, with the same Python type."""
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    ours, theirs = fields_of(instance), fields_of(fresh)
    assert ours == theirs
    assert {name: type(value) for name, value in ours.items()} == {
        name: type(value) for name, value in theirs.items()
    }
    assert instance._state.adding is False
    assert instance._state.db == "default"
