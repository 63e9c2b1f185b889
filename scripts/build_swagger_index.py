"""Build the fake's compact route and field index from the official Autotask swagger.

Usage: python scripts/build_swagger_index.py PATH/TO/autotask-swagger.json

The swagger is large (3 MB) and only a few facts of it drive the fake: which
entities exist, which verbs each path takes, which child collections hang off
which parent, and each model's field names and JSON types. Those facts are
written to ``fake_server/data/swagger_index.json`` so that the fake needs no
copy of the swagger at run time.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fake_server" / "data" / "swagger_index.json"
MODEL_REF = re.compile(r"#/definitions/(?:\w+\[)?(\w+Model)")
VERBS = ("get", "post", "put", "patch", "delete")
# Child routes whose parent link does not follow the {singularParent}ID naming.
PARENT_FIELD_OVERRIDES = {
    ("Expenses", "Items"): "expenseReportID",
    ("Tasks", "Predecessors"): "successorTaskID",
    ("KnowledgeBaseCategories", "KnowledgeBaseArticles"): "articleCategoryID",
    ("Documents", "PlainTextContent"): "id",
    ("KnowledgeBaseArticles", "PlainTextContent"): "id",
}


def _model_of(operation: dict[str, Any]) -> str | None:
    for param in operation.get("parameters", []):
        if param.get("in") == "body" and "schema" in param:
            match = MODEL_REF.search(param["schema"].get("$ref", ""))
            if match and match.group(1) != "QueryModel":
                return match.group(1)
    schema = operation.get("responses", {}).get("200", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/definitions/QueryActionResult[") or ref.startswith(
        "#/definitions/ItemQueryResultModel["
    ):
        match = MODEL_REF.search(ref)
        if match:
            return match.group(1)
    return None


def _fields(definition: dict[str, Any]) -> tuple[list[list[str]], bool]:
    fields: list[list[str]] = []
    has_udfs = False
    for name, prop in definition.get("properties", {}).items():
        if name == "userDefinedFields":
            has_udfs = True
            continue
        if "$ref" in prop or prop.get("readOnly"):
            continue  # SOAP plumbing such as soapParentPropertyId, never on the wire
        fields.append([name, prop.get("type", "string"), prop.get("format", "")])
    return fields, has_udfs


def build(swagger: dict[str, Any]) -> dict[str, Any]:
    entities: dict[str, dict[str, Any]] = {}
    children: dict[tuple[str, str], dict[str, Any]] = {}
    models: dict[str, str] = {}

    def entity(name: str) -> dict[str, Any]:
        return entities.setdefault(
            name, {"root": [], "item": [], "query": False, "info": False}
        )

    for path, operations in swagger["paths"].items():
        if not path.startswith("/V1.0/"):
            continue
        parts = path[len("/V1.0/") :].split("/")
        verbs = sorted(v for v in operations if v in VERBS)
        tags = {t for op in operations.values() for t in op.get("tags", [])}
        tag = next(iter(tags)) if len(tags) == 1 else None
        for op in operations.values():
            model = _model_of(op)
            if model and tag:
                models.setdefault(tag.removesuffix("Child"), model)
        if len(parts) >= 3 and parts[1] == "{parentId}" and tag and tag.endswith("Child"):
            key = (parts[0], parts[2])
            child = children.setdefault(
                key,
                {"parent": parts[0], "segment": parts[2], "entity": tag.removesuffix("Child"),
                 "collection": [], "item": []},
            )
            rest = parts[3:]
            if not rest:
                child["collection"] = verbs
            elif rest == ["{id}"]:
                child["item"] = verbs
            continue
        if "{" in parts[0] or (len(parts) > 1 and parts[1] == "{parentId}"):
            continue
        name = parts[0]
        rest = parts[1:]
        if not rest:
            if name in ("Version", "Authenticate", "EntityInformation", "Modules",
                        "ThresholdInformation", "ZoneInformation"):
                continue
            entity(name)["root"] = verbs
        elif rest == ["{id}"]:
            entity(name)["item"] = verbs
        elif rest == ["query"]:
            entity(name)["query"] = True
        elif rest == ["entityInformation"]:
            entity(name)["info"] = True

    for info in entities.values():
        info["fields"] = []
        info["udf"] = False
    for name, info in entities.items():
        model = models.get(name)
        if model and model in swagger["definitions"]:
            info["model"] = model
            info["fields"], info["udf"] = _fields(swagger["definitions"][model])
    by_model = {info.get("model"): name for name, info in entities.items() if info.get("model")}
    routed: list[dict[str, Any]] = []
    for (parent, segment), child in children.items():
        name = child["entity"]
        if name not in entities:
            name = by_model.get(models.get(name, ""), "")
        if name not in entities or parent not in entities:
            print("skipped child route without a known entity:", parent, segment)
            continue
        child["entity"] = name
        child["parent_field"] = PARENT_FIELD_OVERRIDES.get(
            (parent, segment), _parent_field(parent, entities[name]["fields"])
        )
        if not child["parent_field"]:
            print("skipped child route without a parent field:", parent, segment, name)
            continue
        routed.append(child)
    return {
        "source": f"{swagger.get('host', '')}{swagger.get('basePath', '')}",
        "entities": dict(sorted(entities.items())),
        "children": sorted(routed, key=lambda c: (c["parent"], c["segment"])),
    }


def _parent_field(parent: str, fields: list[list[str]]) -> str:
    """The child's field naming its parent, e.g. Tickets -> ticketID."""
    singular = re.sub(r"ies$", "y", parent)
    if singular == parent:
        singular = parent.removesuffix("s")
    names = {f[0].lower(): f[0] for f in fields}
    for candidate in (singular + "id", singular.lower() + "id", "parentid"):
        if candidate.lower() in names:
            return names[candidate.lower()]
    ending = [f[0] for f in fields if f[0].lower().endswith("id") and f[0].lower() != "id"]
    tail = [n for n in ending if singular.lower().endswith(n.lower().removesuffix("id"))]
    return tail[0] if tail else ""


def main() -> None:
    swagger = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    index = build(swagger)
    OUT.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    print(f"{len(index['entities'])} entities, {len(index['children'])} child routes -> {OUT.name}")


if __name__ == "__main__":
    main()
