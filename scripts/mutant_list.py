"""The mutants ``scripts/mutants.py`` applies: small, realistic slips in documented behaviours, rules, redaction,
tenancy and seed checking, each with the few tests that should notice it.

A mutant is (file, an exact snippet of it, what the slip makes of it, the pytest arguments that should fail).
A snippet that is no longer in its file (the code was refactored) makes the mutant "stale": reported, not
counted, and to be refreshed by whoever changed the code.

Equivalent mutants are left out, as no test can kill them: the first run had two, a Secret header popped
under a misspelt name in ``scrub_raw_headers`` (the name search after it drops the header all the same) and
the credentials cache of ``TenantsByCredentials.core_for`` looked up under a wrong key (every request then
takes the digest path to the same tenant: slower, not wrong).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    original: str
    replacement: str
    tests: tuple[str, ...]  # pytest arguments: files, node ids, -k expressions
    slip: str  # what a developer would have got wrong


def _m(name: str, file: str, original: str, replacement: str, tests: tuple[str, ...], slip: str) -> Mutant:
    return Mutant(name, file, original, replacement, tests, slip)


COERCION = "fake_server/coercion.py"
WRITES = "fake_server/writes.py"
RULES = ("tests/test_rules.py",)
SECRETS = ("tests/test_credentials_never_kept.py",)

MUTANTS: tuple[Mutant, ...] = (
    # -- documented behaviours (docs/behaviours.md) -------------------------------------------------------
    _m(
        "int32-range-off-by-one",
        COERCION,
        '"integer": (-(2**31), 2**31 - 1),',
        '"integer": (-(2**31), 2**31),',
        ("tests/test_coercion.py", "tests/test_coercion_edges.py"),
        "Int32.MaxValue + 1 accepted",
    ),
    _m(
        "boolean-takes-digits",
        COERCION,
        'in ("true", "false"):',
        'in ("true", "false", "1", "0"):',
        ("tests/test_coercion_edges.py", "tests/test_coercion.py"),
        'a boolean field takes "1"',
    ),
    _m(
        "datetime-keeps-trailing-zeros",
        COERCION,
        'text += "." + f"{millis:03d}".rstrip("0")',
        'text += "." + f"{millis:03d}"',
        ("tests/test_coercion.py", "tests/test_documented_behaviours.py"),
        "milliseconds written as .500, not .5",
    ),
    _m(
        "query-compares-case-sensitively",
        COERCION,
        "        return value.casefold()\n",
        "        return value\n",
        ("tests/test_query.py",),
        "string filters compare case-sensitively",
    ),
    _m(
        "put-merges-omitted-fields",
        WRITES,
        "            if self.profile.put_nulls_omitted:",
        "            if False:",
        ("tests/test_documented_behaviours.py", "-k", "put"),
        "PUT keeps the fields it leaves out",
    ),
    _m(
        "string-length-off-by-one",
        WRITES,
        "len(coerced) > info.length:",
        "len(coerced) > info.length + 1:",
        ("tests/test_documented_behaviours.py", "tests/test_bad_input.py", "tests/test_entity_models.py"),
        "a string one longer than its field accepted",
    ),
    _m(
        "put-drops-udfs-left-out",
        WRITES,
        "        result = dict(old or {})\n",
        "        result = {}\n",
        ("tests/test_udf_updates.py",),
        "a PUT without userDefinedFields clears them",
    ),
    _m(
        "required-udf-removable",
        WRITES,
        "                result[name] = old[name]\n",
        "                result[name] = None\n",
        ("tests/test_udf_updates.py",),
        "a populated required UDF cleared",
    ),
    _m(
        "completion-restamped",
        WRITES,
        "if now_completing and not was:",
        "if now_completing:",
        ("tests/test_documented_behaviours.py", "-k", "complet"),
        "completedDate moves on every update",
    ),
    _m(
        "reopen-keeps-stamps",
        WRITES,
        "            for name in rule.reopen_clears:\n                record[name] = None\n",
        "            for name in rule.reopen_clears:\n                pass\n",
        ("tests/test_documented_behaviours.py", "-k", "complet or reopen"),
        "a reopened ticket keeps completedDate",
    ),
    _m(
        "delete-keeps-record",
        WRITES,
        "        table.delete(record_id)\n        return record_id\n",
        "        return record_id\n",
        ("tests/test_documented_behaviours.py", "tests/test_state.py"),
        "a delete answers but keeps the record",
    ),
    _m(
        "create-takes-negative-id",
        WRITES,
        'nonzero = coerce("id", "long", raw_id) != 0',
        'nonzero = coerce("id", "long", raw_id) > 0',
        ("tests/test_documented_behaviours.py", "-k", "id"),
        "a create with a negative id accepted",
    ),
    _m(
        "count-skips-filter",
        "fake_server/query_select.py",
        "return sum(1 for record_id in ids if plan.predicate(table.get(record_id) or {}))",
        "return sum(1 for record_id in ids)",
        ("tests/test_query_count.py", "tests/test_query.py"),
        "query/count counts every candidate",
    ),
    _m(
        "page-one-too-long",
        "fake_server/query_select.py",
        "        if len(ids) == size:\n            next_start = record_id",
        "        if len(ids) > size:\n            next_start = record_id",
        ("tests/test_query.py", "-k", "page or max"),
        "MaxRecords + 1 items a page",
    ),
    _m(
        "absent-endpoint-answers-405",
        "fake_server/routing.py",
        "    if profile.endpoint_absent(method, route.shape):\n        raise NotFound.for_url(url)\n",
        "",
        ("tests/test_swagger_paths.py", "tests/test_documented_behaviours.py", "-k", "note"),
        "POST /TicketNotes a 405, not a 404",
    ),
    _m(
        "service-endpoint-takes-post",
        "fake_server/service_endpoints.py",
        'if method.upper() != "GET":',
        'if method.upper() not in ("GET", "POST"):',
        ("tests/test_method_not_allowed.py",),
        "POST /VersionInformation answered",
    ),
    _m(
        "framework-error-camel-case",
        "fake_server/errors.py",
        '        return ApiResponse(self.status, {"Message": self.messages[0]})\n',
        '        return ApiResponse(self.status, {"message": self.messages[0]})\n',
        ("tests/test_documented_behaviours.py", "-k", "patch or 404"),
        "Web API's 404 body as {message}",
    ),
    _m(
        "auth-needs-no-secret",
        "fake_server/auth.py",
        "if not username or not secret or not code:",
        "if not username or not code:",
        ("tests/test_auth_and_headers.py",),
        "no Secret header accepted",
    ),
    # -- tenancy ----------------------------------------------------------------------------------------------
    _m(
        "tenant-key-from-code-alone",
        "fake_server/tenancy.py",
        'f"{integration_code}\\0{username}".encode()',
        'f"{integration_code}".encode()',
        ("tests/test_tenant_keys.py", "tests/test_tenants_by_credentials.py"),
        "two users of one integration share a tenant",
    ),
    _m(
        "tenant-needs-one-credential",
        "fake_server/tenancy.py",
        "if not username or not code:",
        "if not username and not code:",
        ("tests/test_tenants_by_credentials.py", "tests/test_tenant_keys.py"),
        "a request with a user name alone gets a tenant",
    ),
    _m(
        "tenant-anonymous-unaddressable",
        "fake_server/tenancy.py",
        "return self.anonymous if key == ANONYMOUS else self._tenants.get(key)",
        "return self._tenants.get(key)",
        ("tests/test_tenant_keys.py", "tests/test_tenants_by_credentials.py"),
        "/_harness/tenants/anonymous/... a 404",
    ),
    # -- rules (harness/rules) ------------------------------------------------------------------------------
    _m(
        "rule-patch-misses-tickets",
        "harness/rules/tickets.py",
        'if e.method == "PATCH" and _is_ticket_path(e)',
        'if e.method == "PUT" and _is_ticket_path(e)',
        (*RULES, "-k", "patch"),
        "no-ticket-patch checks PUT",
    ),
    _m(
        "rule-notes-child-path-singular",
        "harness/rules/tickets.py",
        'segments[2] in ("ticketnotes", "ticketnote")',
        'segments[2] in ("ticketnotes",)',
        ("tests/test_rule_edges.py", *RULES, "-k", "note"),
        "/Tickets/{id}/TicketNote not flagged",
    ),
    _m(
        "rule-stabilising-never-missing",
        "harness/rules/tickets.py",
        "missing = [name for name in STABILISING_FIELDS if not sent(put, name)[0]]",
        "missing = []",
        (*RULES, "-k", "stabilis or put"),
        "a PUT without a stabilising field passes",
    ),
    _m(
        "rule-max-records-501",
        "harness/rules/hygiene.py",
        "if size is None or not 1 <= size <= 500:",
        "if size is None or not 1 <= size <= 501:",
        (*RULES, "-k", "max_records"),
        "MaxRecords 501 passes",
    ),
    _m(
        "rule-back-off-never",
        "harness/rules/hygiene.py",
        "if retry.started_at - refused.started_at < BACK_OFF_SECONDS:",
        "if retry.started_at - refused.started_at < 0:",
        (*RULES, "-k", "429 or back_off"),
        "an immediate retry after 429 passes",
    ),
    _m(
        "rule-create-id-string-zero",
        "harness/rules/hygiene.py",
        'if value not in (None, 0, "0"):',
        "if value not in (None, 0):",
        ("tests/test_rule_edges.py", *RULES, "-k", "id"),
        'a create with id "0" flagged',
    ),
    _m(
        "rule-casing-flags-right-casing",
        "harness/rules/hygiene.py",
        "if not parts or parts[0].lower() != BASE[0].lower() or parts[0] == BASE[0]:",
        "if not parts or parts[0].lower() != BASE[0].lower():",
        (*RULES, "tests/test_rule_precision.py"),
        "the right casing of ATServicesRest flagged",
    ),
    _m(
        "rule-noteq-null-passes",
        "harness/rules/queries.py",
        'if op in ("eq", "noteq") and value is None:',
        'if op == "eq" and value is None:',
        ("tests/test_rule_edges.py", *RULES, "-k", "query or filter or exist"),
        "noteq null passes",
    ),
    _m(
        "rule-updates-skip-patch",
        "harness/rules/state.py",
        'if exchange.method in ("PUT", "PATCH") and exchange.is_entity_root(entity):',
        'if exchange.method == "PUT" and exchange.is_entity_root(entity):',
        (*RULES, "tests/test_rule_precision.py"),
        "PATCHes are no updates to the state rules",
    ),
    # -- redaction (fake_server/redaction.py, harness/scrub.py) ----------------------------------------------
    _m(
        "secret-words-forget-password",
        "fake_server/redaction.py",
        '    "password",\n',
        "",
        ("tests/test_redaction_edges.py", *SECRETS, *RULES, "-k", "password or secret or credential"),
        "a password key kept",
    ),
    _m(
        "nested-keys-not-redacted",
        "fake_server/redaction.py",
        "            else:\n                new = _redact_keys(item)\n",
        "            else:\n                new = item\n",
        SECRETS,
        "a secret nested in an object kept",
    ),
    _m(
        "caller-secret-straddling-ignored",
        "fake_server/caller_secrets.py",
        'self.joint_free = not any(JOINTS.intersection(text.encode("utf-8")) for text in texts)',
        "self.joint_free = True",
        SECRETS,
        "a caller's value spanning two records of a page searched for in each record alone",
    ),
    _m(
        "query-shape-verdict-kept-clean",
        "fake_server/journal.py",
        "verdict = None if cut is None else self._clean_shapes.get(cut.pieces)",
        "verdict = None if cut is None else True",
        SECRETS,
        "a query body bound unparsed journalled unscrubbed whatever its shape",
    ),
    _m(
        "query-bytes-count-unchecked",
        "fake_server/query_bytes.py",
        "return len(cut_values) == len(shape_values) and all(",
        "return all(",
        ("tests/test_query_bytes.py",),
        "a body with a repeated value key bound as if its first value counted",
    ),
    _m(
        "caller-secret-threshold-high",
        "fake_server/caller_secrets.py",
        "MIN_CALLER_SECRET = 8",
        "MIN_CALLER_SECRET = 80",
        SECRETS,
        "the caller's own secret not hunted for",
    ),
    _m(
        "userinfo-kept",
        "fake_server/redaction.py",
        'return _USERINFO.sub(rf"\\1{REDACTED}@", scrubbed) if "@" in scrubbed else scrubbed',
        "return scrubbed",
        (*SECRETS, "tests/test_record_proxy.py", "tests/test_rules.py"),
        "user:password@host kept in URLs",
    ),
    _m(
        "header-words-forget-cookie",
        "fake_server/redaction.py",
        '    "auth",\n    "cookie",\n',
        '    "auth",\n',
        ("tests/test_redaction_edges.py", *SECRETS),
        "a Cookie header kept in the journal",
    ),
    _m(
        "scrub-keeps-impersonation",
        "harness/scrub.py",
        '{"set-cookie", "impersonationresourceid"}',
        '{"set-cookie"}',
        ("tests/test_redaction_edges.py", "tests/test_cassettes.py", *SECRETS),
        "who a call impersonated kept in a cassette",
    ),
    _m(
        "scrub-literal-threshold-high",
        "harness/scrub.py",
        "MIN_LITERAL = 4",
        "MIN_LITERAL = 40",
        ("tests/test_cassettes.py", *SECRETS),
        "the run's own credentials not hunted for",
    ),
    _m(
        "scrub-personal-field-kept",
        "harness/scrub.py",
        '                return placeholder("email" if EMAIL.fullmatch(data) else lowered, data) if data else data\n',
        "                return data\n",
        ("tests/test_cassettes.py", *SECRETS),
        "a phone or name field kept",
    ),
    # -- seeds, snapshots and state files ---------------------------------------------------------------------
    _m(
        "seed-duplicate-ids-pass",
        "fake_server/seed_check.py",
        "            ids[record_id] = position\n",
        "",
        ("tests/test_seed_refusals.py",),
        "two records with one id load, the second replacing the first",
    ),
    _m(
        "seed-low-surrogates-pass",
        COERCION,
        '_LONE_SURROGATE = re.compile(r"[\\ud800-\\udfff]")',
        '_LONE_SURROGATE = re.compile(r"[\\ud800-\\udbff]")',
        ("tests/test_seed_refusals.py",),
        "a lone low surrogate stored",
    ),
    _m(
        "seed-skips-field-check",
        "fake_server/seed_check.py",
        "record[info.name] = checked_value(info, value)",
        "record[info.name] = value",
        ("tests/test_seed_refusals.py",),
        "seeded values stored unchecked",
    ),
    _m(
        "restore-empties-before-check",
        "fake_server/tenant.py",
        "            checked = self.check_snapshot(snapshot, ids_required=True)\n            self.store.clear()\n",
        "            self.store.clear()\n            checked = self.check_snapshot(snapshot, ids_required=True)\n",
        ("tests/test_seed_refusals.py",),
        "a refused state file empties the tenant",
    ),
)
