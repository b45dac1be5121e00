"""The verified-token cache keeps the newest tokens within its bound."""

from ticketflow_common.identity import AccessClaims
from ticketflow_common.verified_tokens import VerifiedToken, VerifiedTokens

CLAIMS = AccessClaims.model_validate(
    {"iss": "i", "sub": "s", "aud": "ticketflow", "exp": 2, "iat": 1, "jti": "j", "role": "agent"}
)


def verified(kid: str) -> VerifiedToken:
    return VerifiedToken(kid=kid, claims=CLAIMS)


def test_the_oldest_token_leaves_first_and_a_known_one_evicts_nothing() -> None:
    tokens = VerifiedTokens(capacity=2)
    tokens.put("a", verified("1"))
    tokens.put("b", verified("1"))
    tokens.put("a", verified("2"))
    assert len(tokens) == 2
    assert tokens.get("a") == verified("2")
    tokens.put("c", verified("1"))
    assert (tokens.get("a"), len(tokens)) == (None, 2)
    assert tokens.get("b") is not None
    assert tokens.get("c") is not None
    tokens.forget("b")
    tokens.forget("never seen")
    assert (tokens.get("b"), len(tokens)) == (None, 1)
