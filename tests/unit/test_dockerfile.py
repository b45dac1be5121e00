"""The Dockerfile builds in two stages and ships a small, labelled, unprivileged image; no Docker
engine here to find out later."""

import re
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
OCI_LABELS = {
    "org.opencontainers.image.title",
    "org.opencontainers.image.description",
    "org.opencontainers.image.version",
    "org.opencontainers.image.revision",
    "org.opencontainers.image.created",
    "org.opencontainers.image.source",
    "org.opencontainers.image.licenses",
    "org.opencontainers.image.base.name",
}
Instruction = tuple[str, str]


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(str(ROOT / "Dockerfile"))


def stages(dockerfile: DockerfileParser) -> dict[str, list[Instruction]]:
    """Each stage's instructions by its name (`FROM ... AS name`)."""
    found: dict[str, list[Instruction]] = {}
    current: list[Instruction] = []
    for item in dockerfile.structure:
        instruction, value = item["instruction"], item["value"]
        if instruction == "FROM":
            current = found.setdefault(value.split()[-1], [])
        elif instruction != "COMMENT":
            current.append((instruction, value))
    return found


def test_it_builds_in_a_build_stage_and_runs_in_a_clean_one(dockerfile: DockerfileParser) -> None:
    found = stages(dockerfile)
    assert list(found) == ["build", "runtime"]
    build, runtime = found["build"], found["runtime"]
    assert any("uv sync" in v and "--no-editable" in v for i, v in build if i == "RUN")
    copies = [v for i, v in runtime if i == "COPY"]
    assert "--from=build /app/.venv /app/.venv" in copies
    # Neither the sources nor a package manager reach the runtime stage.
    assert not any(v.split()[0] in ("libs/", "services/") for v in copies)
    assert not any(re.search(r"\b(pip|uv) (install|sync)\b", v) for i, v in runtime if i == "RUN")


def test_the_image_carries_the_oci_labels(dockerfile: DockerfileParser) -> None:
    labels = dockerfile.labels  # the final stage's, with build arguments' defaults filled in
    assert set(labels) >= OCI_LABELS
    assert all(labels[key] for key in OCI_LABELS), labels
    assert labels["org.opencontainers.image.base.name"].endswith(":3.11-slim")


def test_it_runs_as_the_unprivileged_user_the_chart_expects(
    dockerfile: DockerfileParser,
) -> None:
    runtime = stages(dockerfile)["runtime"]
    users = [v for i, v in runtime if i == "USER"]
    assert users, "the runtime stage sets no USER"
    # Numeric, so the kubelet can check runAsNonRoot; the Helm chart's runAsUser.
    assert users[-1] == "10001:10001"
    values = (ROOT / "deploy" / "helm" / "ticketflow" / "values.yaml").read_text("utf-8")
    assert "runAsUser: 10001" in values


def test_the_image_installs_the_uv_the_makefile_pins(dockerfile: DockerfileParser) -> None:
    pinned = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert pinned
    build = stages(dockerfile)["build"]
    assert any(f'"uv=={pinned[1]}"' in v for i, v in build if i == "RUN")


def test_the_runtime_finds_the_authorization_table(dockerfile: DockerfileParser) -> None:
    """Services load contracts/authorization.toml; the installed packages are not a checkout."""
    runtime = stages(dockerfile)["runtime"]
    assert ("COPY", "contracts/authorization.toml /app/contracts/authorization.toml") in runtime
    assert dockerfile.envs["TICKETFLOW_AUTHORIZATION_TABLE"] == "/app/contracts/authorization.toml"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "contracts" not in ignored
