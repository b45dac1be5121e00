"""PromQL building blocks the dashboards share, so every panel aggregates the same way."""


def quantile(q: float, histogram: str, *, by: str = "", window: str = "$__rate_interval") -> str:
    """The q-quantile of a histogram's observations in `window`, per `by` labels."""
    labels = ", ".join(["le", *[part.strip() for part in by.split(",") if part.strip()]])
    return f"histogram_quantile({q}, sum by ({labels}) (rate({histogram}_bucket[{window}])))"


def share(part: str, whole: str, *, by: str = "", window: str = "$__range") -> str:
    """increase(part) / increase(whole) per `by`: 0 (not "no data") where `part` has no series
    yet, e.g. no rating of 4 or 5 so far, but `whole` does."""
    group = f"sum by ({by}) " if by else "sum"
    numerator = f"{group}(increase({part}[{window}]))"
    denominator = f"{group}(increase({whole}[{window}]))"
    return f"({numerator} or 0 * {denominator}) / {denominator}"


def per_hour(counter: str, *, by: str = "") -> str:
    """How many in the hour up to each point: the usual operator's unit for ticket flow."""
    group = f"sum by ({by}) " if by else "sum"
    return f"{group}(increase({counter}[1h]))"
