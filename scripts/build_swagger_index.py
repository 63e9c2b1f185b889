"""Build the fake's compact route and field index from the official Autotask swagger.

Usage: python scripts/build_swagger_index.py PATH/TO/autotask-swagger.json

The swagger is large (3 MB) and only a few facts of it drive the fake: which
entities exist, which verbs each path takes, which child collections hang off
which parent, each model's field names and JSON types, and the few paths that
are no entity route at all (``/Companies/{id}/invoiceSettings``, ``/Modules``...),
by operation id, and the list of every path with its verbs (which the tests walk).
Those facts are written to ``fake_server/data/swagger_index.json``
so that the fake needs no copy of the swagger at run time. Every path is placed
somewhere: the build fails on a path it cannot place, so a new swagger cannot
silently leave a route unserved.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fake_server" / "data" / "swagger_index.json"
MODEL_REF = re.compile(r"#/definitions/(?:\w+\[)?(\w+Model)")
# The SOAP-era name a REST entity answers under, e.g. QueryActionResult[ConfigurationItemModel,InstalledProduct].
SOAP_NAME = re.compile(r"#/definitions/(?:QueryActionResult|ItemQueryResultModel)\[\w+Model,(\w+)\]")
VERBS = ("get", "post", "put", "patch", "delete")
# Answered by fake_server/service_endpoints.py before any route is resolved.
SERVICE_PATHS = ("Version", "VersionInformation", "ThresholdInformation", "ZoneInformation")
# Child routes whose parent link does not follow the {singularParent}ID naming (nor the parent's SOAP name).
PARENT_FIELD_OVERRIDES = {
    ("Expenses", "Items"): "expenseReportID",
    ("Tasks", "Predecessors"): "successorTaskID",
    ("KnowledgeBaseCategories", "KnowledgeBaseArticles"): "articleCategoryID",
    ("Documents", "PlainTextContent"): "id",
    ("KnowledgeBaseArticles", "PlainTextContent"): "id",
    ("UserDefinedFields", "ListItems"): "udfFieldId",
}
# Parent path segments that name no entity of their own: the entity whose records are the parents.
# (/Expenses/{parentId}/Items is derived from its link field, expenseReportID -> ExpenseReports.)
PARENT_ENTITY_OVERRIDES = {"UserDefinedFields": "UserDefinedFieldDefinitions"}


def _model_of(operation: dict[str, Any]) -> str | None:
    for param in operation.get("parameters", []):
        if param.get("in") == "body" and "schema" in param:
            match = MODEL_REF.search(param["schema"].get("$ref", ""))
            if match and match.group(1) != "QueryModel":
                return match.group(1)
    schema = operation.get("responses", {}).get("200", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/definitions/QueryActionResult[") or ref.startswith("#/definitions/ItemQueryResultModel["):
        match = MODEL_REF.search(ref)
        if match:
            return match.group(1)
    return None


def _fields(definition: dict[str, Any]) -> tuple[list[list[str]], bool, list[str]]:
    """A model's fields, whether it has UDFs, and the read-only plumbing keys its binder knows.

    Plumbing such as ``soapParentPropertyId`` is no field (entityInformation/fields never lists it), but the
    server binds request bodies into these same models, so a body carrying it is read and the key ignored
    (swagger-generated clients send it on every write).
    """
    fields: list[list[str]] = []
    has_udfs = False
    plumbing: list[str] = []
    for name, prop in definition.get("properties", {}).items():
        if name == "userDefinedFields":
            has_udfs = True
            continue
        if "$ref" in prop or prop.get("readOnly"):
            if prop.get("readOnly"):
                plumbing.append(name)
            continue
        fields.append([name, prop.get("type", "string"), prop.get("format", "")])
    return fields, has_udfs, plumbing


def build(swagger: dict[str, Any]) -> dict[str, Any]:
    entities: dict[str, dict[str, Any]] = {}
    children: dict[tuple[str, str], dict[str, Any]] = {}
    models: dict[str, str] = {}
    soap_names: dict[str, str] = {}
    operations: list[dict[str, Any]] = []

    def entity(name: str) -> dict[str, Any]:
        return entities.setdefault(name, {"root": [], "item": [], "query": False, "info": False})

    def operation(path: str, ops: dict[str, Any]) -> None:
        operations.append({"path": path, "verbs": {v: ops[v]["operationId"] for v in sorted(ops)}})

    for path, all_operations in swagger["paths"].items():
        if not path.startswith("/V1.0/"):
            continue  # /VersionInformation, answered by fake_server/service_endpoints.py
        operations_here = {v: op for v, op in all_operations.items() if v in VERBS}
        parts = path[len("/V1.0/") :].split("/")
        verbs = sorted(operations_here)
        tags = {t for op in operations_here.values() for t in op.get("tags", [])}
        tag = next(iter(tags)) if len(tags) == 1 else None
        for op in operations_here.values():
            model = _model_of(op)
            if model and tag:
                models.setdefault(tag.removesuffix("Child"), model)
            if model and len(parts) <= 2 and "{" not in parts[0]:
                # Keyed by the path's entity too: a few tags name the entity in the singular
                # (OrganizationalLevel1 for /OrganizationalLevel1s), which left those entities without fields.
                models.setdefault(parts[0], model)
            soap = SOAP_NAME.search(op.get("responses", {}).get("200", {}).get("schema", {}).get("$ref", ""))
            if soap and tag and not tag.endswith("Child"):
                soap_names.setdefault(tag, soap.group(1))
        if len(parts) >= 3 and parts[1] == "{parentId}" and tag and tag.endswith("Child"):
            key = (parts[0], parts[2])
            child = children.setdefault(
                key,
                {
                    "parent": parts[0],
                    "segment": parts[2],
                    "entity": tag.removesuffix("Child"),
                    "collection": [],
                    "item": [],
                },
            )
            rest = parts[3:]
            if not rest:
                # GET /TimeOffRequests/{parentId}/Approve is a create (its operation id says so), not a read.
                actions = {
                    v: op
                    for v, op in operations_here.items()
                    if v == "get" and op["operationId"].endswith("_CreateEntity")
                }
                if actions:
                    operation(path[len("/V1.0") :], actions)
                child["collection"] = sorted(set(verbs) - set(actions))
            elif len(rest) == 1 and rest[0].startswith("{"):
                child["item"] = verbs
                if rest[0] != "{id}":  # /Resources/{parentId}/TimeOffBalances/{year}: keyed by a field
                    child["item_key"] = rest[0].strip("{}")
            elif rest[0] != "entityInformation":
                raise ValueError(f"cannot place child path {path}")
            continue
        name = parts[0]
        rest = parts[1:]
        if "{" in name or name in SERVICE_PATHS:
            continue
        if not rest and name in ("Authenticate", "EntityInformation", "Modules"):
            operation(path[len("/V1.0") :], operations_here)
        elif not rest:
            entity(name)["root"] = verbs
        elif rest == ["{id}"]:
            entity(name)["item"] = verbs
        elif rest == ["query"]:
            entity(name)["query"] = True
        elif rest == ["entityInformation"]:
            entity(name)["info"] = True
        elif rest[0] in ("query", "entityInformation"):
            continue  # query/count and entityInformation/fields follow from the two above
        elif rest[0] == "{id}":
            operation(path[len("/V1.0") :], operations_here)  # e.g. /Companies/{id}/invoiceSettings
        else:
            raise ValueError(f"cannot place path {path}")

    for info in entities.values():
        info["fields"] = []
        info["udf"] = False
    for name, info in entities.items():
        model = models.get(name)
        if model and model in swagger["definitions"]:
            info["model"] = model
            info["fields"], info["udf"], plumbing = _fields(swagger["definitions"][model])
            if plumbing:
                info["ignored"] = plumbing
    for name, info in entities.items():
        if info["root"] and not info["fields"]:
            # A writable entity without its model refuses every field a client sends ("Unable to find the field").
            raise ValueError(f"no model found for {name}, which takes {info['root']}")
    by_model = {info.get("model"): name for name, info in entities.items() if info.get("model")}
    routed: list[dict[str, Any]] = []
    for (parent, segment), child in children.items():
        name = child["entity"]
        if name not in entities:
            name = by_model.get(models.get(name, ""), "")
        if name not in entities:
            raise ValueError(f"child route without a known entity: {parent} {segment}")
        child["entity"] = name
        child["parent_field"] = PARENT_FIELD_OVERRIDES.get(
            (parent, segment), _parent_field(parent, soap_names.get(parent, ""), entities[name]["fields"])
        )
        parent_entity = _parent_entity(parent, child["parent_field"], entities)
        if parent_entity != parent:  # written only where the path's segment is no entity of its own
            child["parent_entity"] = parent_entity
        if not child["parent_field"]:  # e.g. ServiceLevelAgreementResults: no field names the agreement
            print("child route without a parent field (its parent id filters nothing):", parent, segment)
        if child.get("item_key") and child["item_key"] not in {f[0] for f in entities[name]["fields"]}:
            raise ValueError(f"child item key {child['item_key']} is no field of {name}")
        routed.append(child)
    return {
        "source": f"{swagger.get('host', '')}{swagger.get('basePath', '')}",
        "entities": dict(sorted(entities.items())),
        "children": sorted(routed, key=lambda c: (c["parent"], c["segment"])),
        "operations": sorted(operations, key=lambda o: o["path"]),
        # Every path (under the base path) with its verbs: what tests/test_swagger_paths.py walks.
        "paths": {
            path: " ".join(sorted(v for v in ops if v in VERBS)) for path, ops in sorted(swagger["paths"].items())
        },
    }


def _parent_entity(parent: str, parent_field: str, entities: dict[str, Any]) -> str:
    """The entity whose records are a child route's parents ("" when the swagger has none)."""
    if parent in entities:
        return parent
    if parent in PARENT_ENTITY_OVERRIDES:
        return PARENT_ENTITY_OVERRIDES[parent]
    stem = parent_field[:-2] if parent_field.lower().endswith("id") else ""
    for candidate in (stem + "s", stem[:-1] + "ies" if stem.endswith("y") else ""):
        match = next((n for n in entities if candidate and n.lower() == candidate.lower()), None)
        if match:
            return match
    return ""


def _parent_field(parent: str, soap_name: str, fields: list[list[str]]) -> str:
    """The child's field naming its parent, e.g. Tickets -> ticketID, or by the parent's SOAP name
    (ConfigurationItems answer as InstalledProduct: DnsRecords link through installedProductID)."""
    singular = re.sub(r"ies$", "y", parent)
    if singular == parent:
        singular = parent.removesuffix("s")
    names = {f[0].lower(): f[0] for f in fields}
    for candidate in (singular + "id", soap_name + "id" if soap_name else "", "parentid"):
        if candidate.lower() in names:
            return names[candidate.lower()]
    ending = [f[0] for f in fields if f[0].lower().endswith("id") and f[0].lower() != "id"]
    tail = [n for n in ending if singular.lower().endswith(n.lower().removesuffix("id"))]
    return tail[0] if tail else ""


def main() -> None:
    swagger = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    index = build(swagger)
    OUT.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    print(
        f"{len(index['entities'])} entities, {len(index['children'])} child routes, "
        f"{len(index['operations'])} other operations -> {OUT.name}"
    )


if __name__ == "__main__":
    main()
