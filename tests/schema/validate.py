#!/usr/bin/python3
"""Validates the messages caf-mcp emits against an official MCP JSON schema.

Runs `emit_messages <version>` (the client side) or `emit_server_messages
<version>` (the server side, with `--side server`), which print one JSON
object per line:

    {"type": "<schema definition name>", "message": <message>}

and validates every message against `{"$ref": "#/definitions/<type>"}` (or
`#/$defs/<type>`) resolved within the schema document. Each message is also
checked against its JSON-RPC envelope (JSONRPCRequest, JSONRPCNotification),
the JSONRPCMessage union, and ClientRequest / ClientNotification (server side:
ServerRequest / ServerNotification). A type ending in "Result" names the
`result` of a response: the response is checked against the result envelope,
its `result` against the type and ServerResult.

Negative controls (mutated copies of emitted messages that the schema must
reject) prove that the validator can fail at all.

Exits non-zero on any failure. Needs Debian's python3-jsonschema (4.10).
"""

import argparse
import copy
import json
import subprocess
import sys
import warnings

try:
    import jsonschema
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
except ImportError as exc:  # pragma: no cover - environment problem
    sys.exit(
        f"schema test: cannot import jsonschema ({exc}); "
        "install Debian's python3-jsonschema and run with /usr/bin/python3"
    )

# Types every revision's run must cover, besides the error and result
# response types of that revision (client side).
REQUIRED_TYPES = [
    "InitializeRequest",
    "InitializedNotification",
    "PingRequest",
    "ListToolsRequest",
    "CallToolRequest",
    "ListResourcesRequest",
    "ListResourceTemplatesRequest",
    "ReadResourceRequest",
    "SubscribeRequest",
    "UnsubscribeRequest",
    "ListPromptsRequest",
    "GetPromptRequest",
    "CompleteRequest",
    "SetLevelRequest",
    "CancelledNotification",
    "ProgressNotification",
]


# The same for the server side; ElicitRequest only where the revision has it.
REQUIRED_SERVER_TYPES = [
    "InitializeResult",
    "EmptyResult",
    "ListToolsResult",
    "CallToolResult",
    "ListResourcesResult",
    "ListResourceTemplatesResult",
    "ReadResourceResult",
    "ListPromptsResult",
    "GetPromptResult",
    "CompleteResult",
    "ProgressNotification",
    "LoggingMessageNotification",
    "ResourceUpdatedNotification",
    "ToolListChangedNotification",
    "ResourceListChangedNotification",
    "PromptListChangedNotification",
    "CreateMessageRequest",
    "ListRootsRequest",
    "PingRequest",
    "JSONRPC2NullIdError",
]


# The server side of the stateless revision (2026-07-28): no initialize, no
# requests to the client; discover, input-required rounds and listen streams.
REQUIRED_STATELESS_SERVER_TYPES = [
    "DiscoverResult",
    "ListToolsResult",
    "CallToolResult",
    "InputRequiredResult",
    "ListResourcesResult",
    "ListResourceTemplatesResult",
    "ReadResourceResult",
    "ListPromptsResult",
    "GetPromptResult",
    "CompleteResult",
    "ProgressNotification",
    "LoggingMessageNotification",
    "SubscriptionsAcknowledgedNotification",
    "ResourceUpdatedNotification",
    "ToolListChangedNotification",
    "ResourceListChangedNotification",
    "PromptListChangedNotification",
    "SubscriptionsListenResult",
    "MethodNotFoundError",
    "InvalidParamsError",
    "MissingRequiredClientCapabilityError",
    "UnsupportedProtocolVersionError",
]


# The client side of the stateless revision: what the client actor writes
# (every request with its `_meta`, input-required retries, a listen, a
# cancellation).
REQUIRED_STATELESS_CLIENT_TYPES = [
    "DiscoverRequest",
    "ListToolsRequest",
    "CallToolRequest",
    "ListResourcesRequest",
    "ListResourceTemplatesRequest",
    "ReadResourceRequest",
    "ListPromptsRequest",
    "GetPromptRequest",
    "CompleteRequest",
    "SubscriptionsListenRequest",
    "CancelledNotification",
]


class Schema:
    """One schema document and validators for its definitions."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.root = json.load(f)
        if "$defs" in self.root:
            self.defs_key = "$defs"
        elif "definitions" in self.root:
            self.defs_key = "definitions"
        else:
            raise SystemExit(f"{path}: has neither $defs nor definitions")
        self.defs = self.root[self.defs_key]
        self.cls = validator_for(self.root)
        self.cls.check_schema(self.root)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.resolver = jsonschema.RefResolver.from_schema(self.root)
        self.format_checker = getattr(
            self.cls, "FORMAT_CHECKER", jsonschema.FormatChecker()
        )
        self._validators = {}

    def has(self, name):
        return name in self.defs

    def validator(self, name):
        if name not in self._validators:
            if name not in self.defs:
                raise KeyError(name)
            ref = {"$ref": f"#/{self.defs_key}/{name}"}
            self._validators[name] = self.cls(
                ref, resolver=self.resolver, format_checker=self.format_checker
            )
        return self._validators[name]

    def errors(self, name, instance):
        """Returns the validation errors of `instance` against `name`."""
        return list(self.validator(name).iter_errors(instance))


def describe_errors(errors, limit=5):
    """Formats validation errors, the most relevant one first."""
    lines = []
    best = best_match(errors)
    ordered = [best] + [e for e in errors if e is not best]
    for err in ordered[:limit]:
        where = "/".join(str(p) for p in err.absolute_path) or "<root>"
        lines.append(f"    at {where}: {err.message}")
        for sub in sorted(err.context, key=lambda e: len(e.path))[:3]:
            sub_where = "/".join(str(p) for p in sub.absolute_path) or "<root>"
            lines.append(f"      - at {sub_where}: {sub.message}")
    if len(ordered) > limit:
        lines.append(f"    ... and {len(ordered) - limit} more errors")
    return "\n".join(lines)


def short(message, limit=400):
    text = json.dumps(message, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "..."


def run_emitter(emitter, version):
    try:
        proc = subprocess.run(
            [emitter, version],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SystemExit(f"schema {version}: cannot run emitter {emitter}: {exc}")
    if proc.returncode != 0:
        raise SystemExit(
            f"schema {version}: emitter exited with {proc.returncode}: "
            + proc.stderr.decode(errors="replace")
        )
    entries = []
    for n, line in enumerate(proc.stdout.decode().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise SystemExit(f"schema {version}: emitter line {n} is not JSON: {exc}")
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("type"), str)
            or "message" not in entry
        ):
            raise SystemExit(
                f"schema {version}: emitter line {n} lacks type/message: {line}"
            )
        entries.append(entry)
    return entries


def envelope_of(type_name):
    """The JSON-RPC envelope a message of `type_name` must also satisfy."""
    if type_name.startswith("JSONRPC"):
        return None
    if type_name.endswith("Request"):
        return "JSONRPCRequest"
    if type_name.endswith("Notification"):
        return "JSONRPCNotification"
    return None


def union_of(type_name, side="client"):
    """The union of `side` a message of `type_name` belongs to."""
    prefix = "Server" if side == "server" else "Client"
    if type_name.startswith("JSONRPC"):
        return None
    if type_name.endswith("Request"):
        return prefix + "Request"
    if type_name.endswith("Notification"):
        return prefix + "Notification"
    return None


def first_of(entries, type_name, pred=lambda m: True):
    for entry in entries:
        if entry["type"] == type_name and pred(entry["message"]):
            return copy.deepcopy(entry["message"])
    return None


def mutated(entries, type_name, fn, pred=lambda m: True):
    """Returns a copy of the first `type_name` message that matches `pred`,
    changed by `fn` (None if there is none); of a result type, only its
    `result` member, which is what a result type describes."""
    msg = first_of(entries, type_name, pred)
    if msg is None:
        return None
    fn(msg)
    if type_name.endswith("Result"):
        return msg.get("result", msg)
    return msg


def negative_controls(entries, error_type):
    """Yields (description, type, instance-or-None) that must be rejected."""

    def mutate(type_name, fn, pred=lambda m: True):
        return mutated(entries, type_name, fn, pred)

    def has_params(m):
        return isinstance(m.get("params"), dict)

    yield (
        "initialize request without params.protocolVersion",
        "InitializeRequest",
        mutate(
            "InitializeRequest",
            lambda m: m["params"].pop("protocolVersion"),
            has_params,
        ),
    )
    yield (
        "tools/call request without params.name",
        "CallToolRequest",
        mutate("CallToolRequest", lambda m: m["params"].pop("name"), has_params),
    )
    yield (
        "tools/list request checked as CallToolRequest (wrong method)",
        "CallToolRequest",
        mutate("ListToolsRequest", lambda m: m.setdefault("params", {}).update(
            name="echo")),
    )
    yield (
        "logging/setLevel with unknown level 'verbose'",
        "SetLevelRequest",
        mutate(
            "SetLevelRequest",
            lambda m: m["params"].update(level="verbose"),
            has_params,
        ),
    )
    yield (
        "progress notification without progressToken",
        "ProgressNotification",
        mutate(
            "ProgressNotification",
            lambda m: m["params"].pop("progressToken"),
            has_params,
        ),
    )
    yield (
        "cancelled notification with a boolean requestId",
        "CancelledNotification",
        mutate(
            "CancelledNotification",
            lambda m: m["params"].update(requestId=True),
            has_params,
        ),
    )
    yield (
        "completion/complete with unknown ref type",
        "CompleteRequest",
        mutate(
            "CompleteRequest",
            lambda m: m["params"]["ref"].update(type="ref/unknown"),
            has_params,
        ),
    )
    yield (
        "ping request without jsonrpc member",
        "JSONRPCRequest",
        mutate("PingRequest", lambda m: m.pop("jsonrpc")),
    )
    yield (
        "request with id 1.5 (not a RequestId)",
        "JSONRPCRequest",
        mutate("PingRequest", lambda m: m.update(id=1.5)),
    )
    yield (
        "error response with a string error.code",
        error_type,
        mutate(
            error_type,
            lambda m: m["error"].update(code="-32600"),
            lambda m: m.get("id") is not None,
        ),
    )


# What the server must never send: (description, type, change) of a message
# of that type the server did send.
SERVER_NEGATIVE_CONTROLS = [
    ("initialize result without protocolVersion", "InitializeResult",
     lambda m: m["result"].pop("protocolVersion")),
    ("tools/list result whose tool lacks inputSchema", "ListToolsResult",
     lambda m: m["result"]["tools"][0].pop("inputSchema")),
    ("tools/call result with a content block of unknown type",
     "CallToolResult",
     lambda m: m["result"]["content"][0].update(type="video")),
    ("resources/read result whose contents lack uri", "ReadResourceResult",
     lambda m: m["result"]["contents"][0].pop("uri")),
    ("prompt message with role 'system'", "GetPromptResult",
     lambda m: m["result"]["messages"][0].update(role="system")),
    ("log message with level 'verbose'", "LoggingMessageNotification",
     lambda m: m["params"].update(level="verbose")),
    ("progress notification without progress", "ProgressNotification",
     lambda m: m["params"].pop("progress")),
    ("sampling request without messages", "CreateMessageRequest",
     lambda m: m["params"].pop("messages")),
]


# The same for the stateless revision.
STATELESS_SERVER_NEGATIVE_CONTROLS = [
    ("discover result without supportedVersions", "DiscoverResult",
     lambda m: m["result"].pop("supportedVersions")),
    ("tools/list result without ttlMs", "ListToolsResult",
     lambda m: m["result"].pop("ttlMs")),
    ("resources/read result with cacheScope 'shared'", "ReadResourceResult",
     lambda m: m["result"].update(cacheScope="shared")),
    ("tools/call result with a content block of unknown type",
     "CallToolResult",
     lambda m: m["result"]["content"][0].update(type="video")),
    ("input-required result whose request is a ping", "InputRequiredResult",
     lambda m: next(iter(m["result"]["inputRequests"].values())).update(
         method="ping")),
    ("acknowledgement with a filter flag that is a string",
     "SubscriptionsAcknowledgedNotification",
     lambda m: m["params"]["notifications"].update(toolsListChanged="yes")),
    ("unsupported-version error without data.supported",
     "UnsupportedProtocolVersionError",
     lambda m: m["error"]["data"].pop("supported")),
    ("missing-capability error with a list of capabilities",
     "MissingRequiredClientCapabilityError",
     lambda m: m["error"]["data"].update(requiredCapabilities=["sampling"])),
    ("log message with level 'verbose'", "LoggingMessageNotification",
     lambda m: m["params"].update(level="verbose")),
]


def stateless_client_negative_controls(entries):
    """Yields (description, type, instance-or-None) that must be rejected."""

    def has_meta(m):
        return isinstance((m.get("params") or {}).get("_meta"), dict)

    def retry(m):
        return "inputResponses" in (m.get("params") or {})

    yield (
        "tools/call request without _meta",
        "CallToolRequest",
        mutated(entries, "CallToolRequest",
                lambda m: m["params"].pop("_meta"), has_meta),
    )
    yield (
        "discover request whose _meta lacks clientCapabilities",
        "DiscoverRequest",
        mutated(entries, "DiscoverRequest",
                lambda m: m["params"]["_meta"].pop(
                    "io.modelcontextprotocol/clientCapabilities"), has_meta),
    )
    yield (
        "input-required retry whose requestState is a number",
        "CallToolRequest",
        mutated(entries, "CallToolRequest",
                lambda m: m["params"].update(requestState=1), retry),
    )
    yield (
        "listen request with a non-boolean toolsListChanged",
        "SubscriptionsListenRequest",
        mutated(entries, "SubscriptionsListenRequest",
                lambda m: m["params"]["notifications"].update(
                    toolsListChanged="yes")),
    )


def server_negative_controls(entries, error_type, stateless=False):
    """Yields (description, type, instance-or-None) that must be rejected."""
    del error_type  # the same signature as negative_controls
    controls = (STATELESS_SERVER_NEGATIVE_CONTROLS if stateless
                else SERVER_NEGATIVE_CONTROLS)
    for description, type_name, change in controls:
        yield description, type_name, mutated(entries, type_name, change)


# JSON-RPC 2.0 (section 5) answers a request whose id cannot be determined
# (parse error, invalid request) with `"id": null`. No MCP schema admits a null
# RequestId (2025-11-25 makes the id optional instead), so such errors are
# checked against JSON-RPC 2.0 itself.
JSONRPC2_NULL_ID_ERROR = {
    "type": "object",
    "required": ["jsonrpc", "id", "error"],
    "additionalProperties": False,
    "properties": {
        "jsonrpc": {"const": "2.0"},
        "id": {"type": "null"},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
            },
        },
    },
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emitter", required=True, help="emit_messages binary")
    parser.add_argument("--schema", required=True, help="schema.json to use")
    parser.add_argument("--version", required=True, help="protocol revision")
    parser.add_argument("--side", choices=["client", "server"],
                        default="client", help="which side emitted")
    args = parser.parse_args()
    version = args.version
    side = args.side

    schema = Schema(args.schema)
    entries = run_emitter(args.emitter, version)
    failures = []

    new_names = schema.has("JSONRPCErrorResponse")
    error_type = "JSONRPCErrorResponse" if new_names else "JSONRPCError"
    result_type = "JSONRPCResultResponse" if new_names else "JSONRPCResponse"

    # Coverage: the emitter must not silently drop a message kind.
    emitted = {e["type"] for e in entries}
    # A revision without initialize is stateless (2026-07-28 on).
    stateless = not schema.has("InitializeResult")
    if side == "server" and stateless:
        required = list(REQUIRED_STATELESS_SERVER_TYPES)
    elif side == "server":
        required = list(REQUIRED_SERVER_TYPES) + [error_type]
        if schema.has("ElicitRequest"):
            required.append("ElicitRequest")
    elif stateless:
        required = list(REQUIRED_STATELESS_CLIENT_TYPES)
    else:
        required = REQUIRED_TYPES + [error_type, result_type]
    for name in required:
        if name not in emitted:
            failures.append(f"no message of type {name} was emitted")

    null_id_validator = jsonschema.Draft7Validator(JSONRPC2_NULL_ID_ERROR)
    valid = 0
    for n, entry in enumerate(entries, start=1):
        type_name, message = entry["type"], entry["message"]
        if type_name == "JSONRPC2NullIdError":
            errors = list(null_id_validator.iter_errors(message))
            if errors:
                failures.append(
                    f"message #{n} (JSON-RPC 2.0 error with null id) is INVALID:"
                    f"\n    message: {short(message)}\n"
                    + "\n".join("    " + e.message for e in errors)
                )
            else:
                valid += 1
            continue
        if type_name.endswith("Result"):
            # The whole response against its envelope, the result against
            # its type and the ServerResult union.
            checks = [(result_type, message), ("JSONRPCMessage", message)]
            payload = message.get("result") if isinstance(message, dict) else None
            checks += [(type_name, payload), ("ServerResult", payload)]
        elif (stateless and type_name.endswith("Error")
              and "error" not in schema.defs.get(type_name, {}).get(
                  "properties", {})):
            # Some error definitions describe the error object only, the
            # MCP ones the whole response.
            checks = [(type_name, message.get("error")),
                      (error_type, message), ("JSONRPCMessage", message)]
        else:
            checks = [(type_name, message)]
            union = union_of(type_name, side)
            if stateless and type_name.endswith("Error"):
                union = error_type
            for extra in (envelope_of(type_name), "JSONRPCMessage", union):
                if extra is not None and extra not in [c[0] for c in checks]:
                    checks.append((extra, message))
        ok = True
        for name, instance in checks:
            if not schema.has(name):
                failures.append(
                    f"message #{n}: schema {version} has no definition {name!r} "
                    f"(message: {short(message)})"
                )
                ok = False
                continue
            errors = schema.errors(name, instance)
            if errors:
                failures.append(
                    f"message #{n} ({type_name}) is INVALID against {name}:\n"
                    f"    message: {short(message)}\n" + describe_errors(errors)
                )
                ok = False
        if type_name == "InitializeRequest":
            offered = (message.get("params") or {}).get("protocolVersion")
            if offered != version:
                failures.append(
                    f"message #{n} (InitializeRequest) offers protocolVersion "
                    f"{offered!r}, expected {version!r}"
                )
                ok = False
        if ok:
            valid += 1

    rejected = 0
    if side == "server":
        controls = server_negative_controls(entries, error_type, stateless)
    elif stateless:
        controls = stateless_client_negative_controls(entries)
    else:
        controls = negative_controls(entries, error_type)
    for what, type_name, instance in controls:
        if instance is None:
            failures.append(f"negative control '{what}': no message to mutate")
            continue
        if not schema.has(type_name):
            failures.append(
                f"negative control '{what}': schema has no definition {type_name}"
            )
            continue
        if schema.errors(type_name, instance):
            rejected += 1
        else:
            failures.append(
                f"negative control '{what}' was ACCEPTED by {type_name}: "
                f"{short(instance)}"
            )

    for failure in failures:
        print(f"FAIL schema {version} ({side}): {failure}", file=sys.stderr)
    print(
        f"schema {version} ({side}): {valid} of {len(entries)} messages valid, "
        f"{rejected} negative controls rejected"
        + (f", {len(failures)} failures" if failures else "")
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
