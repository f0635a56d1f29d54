"""The JSON Schema of the spec (`gdindex schema`)."""

from __future__ import annotations

import json

from gdindex.spec import (
    spec_json_schema,
)


def test_json_schema_documents_methods() -> None:
    schema = spec_json_schema()

    text = json.dumps(schema)
    assert schema["title"] == "gdindex spec"
    for name in ("minmax", "zscore", "target", "goalposts", "topsis", "geometric"):
        assert f'"{name}"' in text
    assert "spec_version" in schema["properties"]
