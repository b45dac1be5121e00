"""The settings of single sign-on (#17): an external OpenID Connect issuer whose access tokens
every service accepts. Apart from the verifier (`ticketflow_common.oidc`) so that settings, which
every layer reads, never pull in an HTTP client."""

from typing import Self

from pydantic import BaseModel, Field, field_validator, model_validator

from ticketflow_common.events.identity import IdentityRole

SIGNATURE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
"""Asymmetric algorithms only: `none` and the HMAC family (HS*) are never accepted, or the
provider's public key would be a shared secret anyone could sign with."""
ROLE_RANK: tuple[IdentityRole, ...] = (
    "requester",
    "integrator",
    "approver",
    "agent",
    "lead",
    "admin",
)
"""Least to most privileged: when a token's claim maps to several roles, the last one wins."""


class OidcSettings(BaseModel):
    """An external issuer's access tokens; none is accepted while `oidc_issuer` is unset."""

    oidc_issuer: str | None = Field(
        default=None, description="The `iss` of the provider's tokens, exactly as it writes it."
    )
    oidc_audience: str | None = Field(
        default=None, description="The `aud` the tokens must name (required with an issuer)."
    )
    oidc_jwks_url: str | None = Field(
        default=None,
        description="Default: `jwks_uri` of `{issuer}/.well-known/openid-configuration`.",
    )
    oidc_algorithms: tuple[str, ...] = Field(default=("RS256", "ES256"), min_length=1)
    oidc_role_claim: str = Field(
        default="roles",
        min_length=1,
        description="Dotted path to the roles or groups: `realm_access.roles`, `roles`, `groups`.",
    )
    oidc_role_map: dict[str, IdentityRole] = Field(
        default_factory=dict,
        description="JSON: a value of the role claim -> a Ticketflow role; unmapped tokens: 403.",
    )
    oidc_agent_claim: str | None = Field(default=None, description="Path to routing's agent id.")
    oidc_teams_claim: str | None = Field(default=None, description="Path to team ids (a list).")
    oidc_subject_claim: str = Field(default="sub", min_length=1)
    oidc_leeway_seconds: float = Field(
        default=30, ge=0, le=300, description="Clock skew allowed on exp, nbf and iat."
    )
    oidc_jwks_refetch_seconds: float = Field(
        default=5, ge=0, le=3600, description="At most one key set fetch per this, on unknown kids."
    )
    oidc_jwks_max_age_seconds: float = Field(
        default=3600, gt=0, le=86_400, description="The key set is fetched again after this."
    )
    oidc_http_timeout_seconds: float = Field(default=5, gt=0, le=60)

    @field_validator("oidc_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        refused = [a for a in value if a not in SIGNATURE_ALGORITHMS]
        if refused:
            raise ValueError(
                f"oidc_algorithms: {', '.join(refused)} not accepted; "
                f"choose from {', '.join(SIGNATURE_ALGORITHMS)}"
            )
        return value

    @field_validator("oidc_issuer", "oidc_jwks_url")
    @classmethod
    def _https_or_loopback(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("https://", "http://127.0.0.1", "http://localhost")
        ):
            raise ValueError("must be an https:// URL (http only on the loopback)")
        return value

    @model_validator(mode="after")
    def _audience_with_issuer(self) -> Self:
        if self.oidc_issuer is not None and not self.oidc_audience:
            raise ValueError("oidc_audience is required when oidc_issuer is set")
        return self
