"""The JSON Schema of the spec (`gdindex schema`), for editors and documentation."""

from typing import Any

from gdindex.spec.models import IndexSpec


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec, for editors and documentation."""
    schema = IndexSpec.model_json_schema()
    schema["title"] = "gdindex spec"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
