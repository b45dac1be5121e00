"""Writes the JSON Schemas kubeconform validates the Helm chart against (deploy/schemas/), offline.

The public schema catalogues cannot be reached from CI, so the schemas are made here from the
sources themselves, taken from the Go module proxy: Kubernetes' OpenAPI document
(k8s.io/kubernetes api/openapi-spec/swagger.json) and the CRDs' openAPIV3Schema (KEDA's
config/crd/bases, the Prometheus Operator's example/prometheus-operator-crd). Each schema is
standalone (every $ref inlined) and strict (an object with listed properties takes no other),
the shape `kubeconform -strict` expects. Regenerate after changing a version below:

    .venv/bin/python -m tools.k8s_schemas --write
"""

import argparse
import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "deploy" / "schemas"
KUBERNETES = ("k8s.io/kubernetes", "v1.37.2")
KEDA = ("github.com/kedacore/keda/v2", "v2.21.0")
PROMETHEUS_OPERATOR = ("github.com/prometheus-operator/prometheus-operator", "v0.85.0")

KINDS = {  # (group/version, kind) the chart renders
    ("apps/v1", "Deployment"),
    ("v1", "Service"),
    ("v1", "ServiceAccount"),
    ("v1", "ConfigMap"),
    ("batch/v1", "Job"),
    ("policy/v1", "PodDisruptionBudget"),
}
CRDS = {  # (module, path inside it)
    (KEDA, "config/crd/bases/keda.sh_scaledobjects.yaml"),
    (
        PROMETHEUS_OPERATOR,
        "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml",
    ),
    (
        PROMETHEUS_OPERATOR,
        "example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml",
    ),
}
DEFINITION_PREFIX = "#/definitions/"
INT_OR_STRING = [{"type": "string"}, {"type": "integer"}]
QUANTITY = [{"type": "string"}, {"type": "number"}]


def module_dir(module: tuple[str, str]) -> Path:
    """The module's source in the Go module cache, downloaded from the proxy when missing."""
    path, version = module
    go = shutil.which("go") or "go"
    out = subprocess.run(  # noqa: S603 - fixed arguments, the versions pinned above
        [go, "mod", "download", "-json", f"{path}@{version}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(json.loads(out.stdout)["Dir"])


def with_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Kubernetes takes an explicit null for an optional field (Helm renders some)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    return schema


def inline(node: Any, definitions: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """A Kubernetes definition with its $refs inlined, strict, without descriptions."""
    if isinstance(node, list):
        return [inline(item, definitions, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(DEFINITION_PREFIX):
        name = ref.removeprefix(DEFINITION_PREFIX)
        if name.endswith(".Quantity"):
            return {"oneOf": QUANTITY}
        if name in seen:  # a recursive type: left open rather than expanded forever
            return {}
        return inline(definitions[name], definitions, (*seen, name))
    if node.get("format") == "int-or-string":
        return {"oneOf": INT_OR_STRING}
    out = {
        key: inline(value, definitions, seen)
        for key, value in node.items()
        if key not in ("description", "x-kubernetes-group-version-kind")
        and not key.startswith("x-kubernetes-")
    }
    if "properties" in node:
        out["properties"] = {
            key: with_null(inline(value, definitions, seen))
            for key, value in node["properties"].items()
        }
        out.setdefault("additionalProperties", False)
    return out


def kubernetes_schemas(swagger: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """File name (kubeconform's `{kind}-{group}-{version}.json`) to schema, for KINDS."""
    found: dict[str, dict[str, Any]] = {}
    definitions = swagger["definitions"]
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            group_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            if (group_version, gvk["kind"]) not in KINDS:
                continue
            schema = inline(definition, definitions, (name,))
            schema["properties"]["apiVersion"] = {"type": "string", "enum": [group_version]}
            schema["properties"]["kind"] = {"type": "string", "enum": [gvk["kind"]]}
            schema["$schema"] = "http://json-schema.org/schema#"
            group = gvk["group"].split(".")[0]
            suffix = f"-{group}-{gvk['version']}" if group else f"-{gvk['version']}"
            found[f"{gvk['kind'].lower()}{suffix}.json"] = schema
    return found


def crd_strict(node: Any) -> Any:
    """A CRD's openAPIV3Schema as strict JSON Schema (int-or-string, nullable, closed objects)."""
    if isinstance(node, list):
        return [crd_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("x-kubernetes-int-or-string"):
        return {"oneOf": INT_OR_STRING}
    out = {
        key: crd_strict(value)
        for key, value in node.items()
        if key != "description" and key != "nullable" and not key.startswith("x-kubernetes-")
    }
    if node.get("nullable"):
        with_null(out)
    if "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
        out.setdefault("additionalProperties", False)
    return out


def crd_schemas(crd: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`{group}/{kind}_{version}.json` to schema, per served version of one CRD."""
    group = crd["spec"]["group"]
    kind = crd["spec"]["names"]["kind"]
    found = {}
    for version in crd["spec"]["versions"]:
        schema = crd_strict(version["schema"]["openAPIV3Schema"])
        schema["properties"]["apiVersion"] = {
            "type": "string",
            "enum": [f"{group}/{version['name']}"],
        }
        schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
        schema["properties"]["metadata"] = {"type": "object"}
        schema["$schema"] = "http://json-schema.org/schema#"
        found[f"{group}/{kind.lower()}_{version['name']}.json"] = schema
    return found


def all_schemas() -> dict[str, dict[str, Any]]:
    """Relative path under deploy/schemas/ to schema."""
    swagger_path = module_dir(KUBERNETES) / "api" / "openapi-spec" / "swagger.json"
    swagger = json.loads(swagger_path.read_text(encoding="utf-8"))
    schemas = {
        f"kubernetes-{KUBERNETES[1]}/{name}": schema
        for name, schema in kubernetes_schemas(swagger).items()
    }
    for module, path in sorted(CRDS):
        crd = yaml.safe_load((module_dir(module) / path).read_text(encoding="utf-8"))
        schemas |= {f"crds/{name}": schema for name, schema in crd_schemas(crd).items()}
    return schemas


def sources_note() -> str:
    lines = [
        "# Schemas for kubeconform (make deploy-check)",
        "",
        "Generated by `python -m tools.k8s_schemas --write`; do not edit.",
        "Sources, from the Go module proxy:",
        "",
        f"- {KUBERNETES[0]}@{KUBERNETES[1]}: api/openapi-spec/swagger.json",
        *(f"- {m[0]}@{m[1]}: {p}" for m, p in sorted(CRDS)),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite deploy/schemas/")
    args = parser.parse_args()
    schemas = all_schemas()
    for relative, schema in sorted(schemas.items()):
        target = SCHEMAS / relative
        text = json.dumps(schema, indent=1, sort_keys=True) + "\n"
        if args.write:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        print(f"{relative}: {len(text)} bytes")
    if args.write:
        (SCHEMAS / "SOURCES.md").write_text(sources_note(), encoding="utf-8")


if __name__ == "__main__":
    main()
