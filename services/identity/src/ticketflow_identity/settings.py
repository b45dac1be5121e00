"""Identity's configuration, read from `IDENTITY_*` environment variables."""

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from ticketflow_common.settings import PLACEHOLDER_SECRETS, ServiceSettings

MIN_SIGNING_SECRET_BYTES = 32


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_")

    http_port: int = Field(default=8008, ge=1, le=65535)
    public_url: str = Field(
        default="http://127.0.0.1:8008",
        min_length=1,
        description="The issuer (`iss`) of every access token and the base of the key set URL.",
    )
    access_token_seconds: int = Field(
        default=600, ge=30, le=3600, description="How long an access token lives."
    )
    # Token exchange (docs/single-sign-on.md): the issuer and claims are the common OIDC_* ones.
    oidc_email_claim: str = Field(
        default="email", min_length=1, description="Links an external token to a principal."
    )
    oidc_auto_provision: bool = Field(
        default=False, description="Create a person on the first exchange for an unknown email."
    )
    signing_key_secret: SecretStr = Field(
        description="Encrypts the signing keys' private halves at rest (at least 32 bytes)."
    )
    signing_key_days: float = Field(
        default=30, gt=0, le=3650, description="A signing key signs this long, then is rotated."
    )
    signing_key_lead_seconds: float = Field(
        default=60,
        ge=0,
        le=86_400,
        description="A new signing key is published this long before it signs, so caches learn it.",
    )
    key_max_days: int = Field(
        default=365, ge=1, le=3650, description="The longest `expires_in_days` a key may ask for."
    )
    rotation_max_overlap_hours: int = Field(
        default=168, ge=1, le=8760, description="The longest overlap a key rotation may ask for."
    )
    key_use_record_seconds: float = Field(
        default=60, ge=0, le=86_400, description="A key's last use is written at most this often."
    )
    maintenance_seconds: float = Field(
        default=30,
        gt=0,
        le=3600,
        description="How often expired keys and signing keys are checked.",
    )

    @field_validator("signing_key_secret")
    @classmethod
    def _real_signing_secret(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if (
            len(raw.encode()) < MIN_SIGNING_SECRET_BYTES
            or raw.lower() in PLACEHOLDER_SECRETS
            or len(set(raw)) < 8
        ):
            raise ValueError(
                f"signing_key_secret must be a real secret of at least {MIN_SIGNING_SECRET_BYTES}"
                " bytes, not a placeholder"
            )
        return value

    @property
    def jwks_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/.well-known/jwks.json"

    @property
    def token_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/token"
