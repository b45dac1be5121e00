"""Closed-loop HTTP load from wrk (a C load generator): the server, not the generator, binds.

Each request POSTs a JSON body whose `{n}` (unique) and `{m}` (one of 100) are filled per
request, with an
`Idempotency-Key` unique over the run (thread and counter), so no answer is a replay.
Debian's `wrk` package provides the binary.
"""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

SCRIPT = r"""
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  run, path, template, counter = args[1], args[2], args[3], 0
  for name, value in string.gmatch(args[4], "([^\n:]+):([^\n]*)") do
    wrk.headers[name] = value
  end
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  local n = tid * 100000000 + counter
  wrk.headers["Idempotency-Key"] = run .. "-" .. n
  local body = string.gsub(string.gsub(template, "{n}", n), "{m}", counter % 100)
  return wrk.format("POST", path, nil, body)
end
function done(summary, latency, requests)
  io.write(string.format(
    "\nWRK-JSON {\"requests\": %d, \"duration_us\": %d, \"non_2xx\": %d, \"socket_errors\": %d,"
    .. " \"p50_us\": %d, \"p99_us\": %d}\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def ok_per_s(self) -> float:
        return round((self.requests - self.non_2xx) / self.seconds, 1)

    def row(self) -> dict[str, Any]:
        return {
            "req_per_s": self.ok_per_s,
            "requests": self.requests,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "errors": self.non_2xx + self.socket_errors,
        }


def run_wrk(
    *,
    url: str,
    template: dict[str, Any],
    headers: dict[str, str],
    connections: int,
    seconds: float,
    run_id: str,
    threads: int = 2,
) -> WrkResult:
    """`connections` kept-alive connections over `threads` threads POST to `url` for `seconds`."""
    binary = shutil.which("wrk")
    assert binary, "wrk is not installed (Debian: apt-get install wrk)"
    scheme_host, _, path = url.partition("//")[2].partition("/")
    body = json.dumps(template, separators=(",", ":"))
    header_lines = "\n".join(f"{k}:{v}" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(SCRIPT)
        script.flush()
        command = [binary, "-t", str(min(threads, connections)), "-c", str(connections)]
        command += ["-d", f"{seconds:g}s", "-s", script.name, f"http://{scheme_host}/"]
        command += ["--", run_id, f"/{path}", body, header_lines]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK-JSON "))
    figures = json.loads(line.removeprefix("WRK-JSON "))
    return WrkResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
        p50_ms=round(figures["p50_us"] / 1000, 2),
        p99_ms=round(figures["p99_us"] / 1000, 2),
    )
