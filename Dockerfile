# One image for the nine services and the topics job; the argument picks the module:
#   docker run IMAGE ticketflow_intake   (likewise routing, sla, notify, insights, knowledge,
#                                         mail, identity, automation; `... migrate` applies the
#                                         service's migrations and exits: the Helm chart's hook)
#   docker run IMAGE ticketflow_identity bootstrap-admin --name ops   (the first admin's API key)
#   docker run IMAGE ticketflow_common.kafka_topics --bootstrap-servers kafka:9092
#   docker run IMAGE ticketflow_cli tickets list   (the `ticketflow` CLI; configure it by env)
# Configuration comes only from environment variables (see .env.example, docker-compose.yml).
#
# Two stages: `build` resolves the lock with uv and installs the workspace into a virtualenv (no
# editable installs, so the sources are not needed after it); `runtime` is a clean slim Python
# with that virtualenv and the authorisation table only: no uv, no pip cache, no sources.
# tests/unit/test_dockerfile.py checks the stages, the labels and the user.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# The uv the Makefile pins (UV_VERSION); the lock is read with --frozen, never re-resolved.
RUN pip install --no-cache-dir "uv==0.13.8"

WORKDIR /app

# Third-party dependencies first, from the lock and the members' pyproject files only, so that
# editing source code does not re-download them.
COPY pyproject.toml uv.lock ./
COPY libs/common/pyproject.toml libs/common/pyproject.toml
COPY libs/cli/pyproject.toml libs/cli/pyproject.toml
COPY services/intake/pyproject.toml services/intake/pyproject.toml
COPY services/routing/pyproject.toml services/routing/pyproject.toml
COPY services/sla/pyproject.toml services/sla/pyproject.toml
COPY services/notify/pyproject.toml services/notify/pyproject.toml
COPY services/insights/pyproject.toml services/insights/pyproject.toml
COPY services/knowledge/pyproject.toml services/knowledge/pyproject.toml
COPY services/mail/pyproject.toml services/mail/pyproject.toml
COPY services/identity/pyproject.toml services/identity/pyproject.toml
COPY services/automation/pyproject.toml services/automation/pyproject.toml
COPY services/console/pyproject.toml services/console/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace

# Then the workspace members themselves, as regular (not editable) installs.
COPY libs/ libs/
COPY services/ services/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

FROM ${PYTHON_IMAGE} AS runtime

ARG PYTHON_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
# Where the code lives: pass --build-arg SOURCE=<your repository URL> (shown by registries).
ARG SOURCE=https://ticketflow.localhost/ticketflow
LABEL org.opencontainers.image.title="ticketflow" \
      org.opencontainers.image.description="Ticketflow: event-driven service-desk backbone (intake, routing, sla, notify, insights, knowledge, mail, identity, automation, console)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}/blob/main/README.md" \
      org.opencontainers.image.vendor="Ticketflow" \
      org.opencontainers.image.licenses="NOASSERTION" \
      org.opencontainers.image.base.name="docker.io/library/${PYTHON_IMAGE}"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}" \
    TICKETFLOW_AUTHORIZATION_TABLE=/app/contracts/authorization.toml

# Runs unprivileged (the Helm chart's runAsUser); the venv stays root-owned and read-only to it.
RUN groupadd --system --gid 10001 ticketflow \
 && useradd --system --uid 10001 --gid ticketflow --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin ticketflow

WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY contracts/authorization.toml /app/contracts/authorization.toml
RUN /app/.venv/bin/python -c "import ticketflow_common, ticketflow_cli, ticketflow_intake, ticketflow_routing, ticketflow_sla, ticketflow_notify, ticketflow_insights, ticketflow_knowledge, ticketflow_mail, ticketflow_identity, ticketflow_automation, ticketflow_console"

USER 10001:10001
EXPOSE 8001 8002 8003 8004 8005 8006 8007 8008 8009 2525
ENTRYPOINT ["/app/.venv/bin/python", "-m"]
