"""The attribute schema's rules (domain/schema.py), without a server."""

from __future__ import annotations

import pytest

from userpools.domain.attributes import STANDARD_ATTRIBUTES
from userpools.domain.errors import InvalidParameter
from userpools.domain.pool_config import SchemaAttribute
from userpools.domain.schema import bare_name, pool_schema, with_custom_attributes


def test_pool_schema_lists_the_standard_attributes_first_then_the_custom_ones() -> None:
    schema = pool_schema(
        [
            SchemaAttribute("b", "String"),
            SchemaAttribute("email", required=True),
            SchemaAttribute("custom:a", "Number", developer_only_attribute=True),
        ]
    )
    names = [a.name for a in schema]
    assert names == [a.name for a in STANDARD_ATTRIBUTES] + ["custom:b", "dev:custom:a"]
    assert next(a for a in schema if a.name == "email").required is True


def test_bare_names_of_every_prefix() -> None:
    assert [bare_name(n) for n in ("custom:x", "dev:custom:y", "dev:z", "email")] == [
        "x",
        "y",
        "z",
        "email",
    ]


def test_a_name_of_a_pool_stored_before_dev_custom_names_is_taken() -> None:
    """Pools stored before issue 12 name developer-only attributes ``dev:NAME``."""
    stored = (SchemaAttribute("dev:secret", "String", True, True, False),)
    with pytest.raises(InvalidParameter) as caught:
        with_custom_attributes(stored, [SchemaAttribute("secret", "String")])
    assert str(caught.value) == "custom:secret: Existing attribute already has name dev:secret."
    added = with_custom_attributes(stored, [SchemaAttribute("other", "Boolean")])
    assert [a.name for a in added] == ["dev:secret", "custom:other"]
