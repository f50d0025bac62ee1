"""Hello-world worker under `hearth dev` versus a bare ASGI hello app (same server, same run),
and `hearth dev` at its defaults (one log line per request) versus `--no-log-requests`.

Both servers are loaded at the same time, sharing one core (see `side_by_side`), so drift in
the machine's load hits both alike; the figure is the median of the per-round ratios.
"""

from __future__ import annotations

import statistics
import sys

from ._load import PYTHON, instructions_per_request, serving, side_by_side

TARGET = 0.80
LOGGING_TARGET = 0.90  # request logging on (the default) against off
BARE = [PYTHON, "bench/bare_asgi.py", "{port}"]
HEARTH_DEV = [  # the default a user runs: every request logged
    PYTHON,
    "-m",
    "hearth",
    "dev",
    "examples/hello",
    "--ip",
    "127.0.0.1",
    "--port",
    "{port}",
]
QUIET_DEV = [*HEARTH_DEV, "--no-log-requests"]


def main() -> dict[str, float]:
    with serving(BARE) as bare_port, serving(HEARTH_DEV) as hearth_port:
        result = side_by_side(f"http://127.0.0.1:{bare_port}/", f"http://127.0.0.1:{hearth_port}/")
    print(result.describe("dev hello under hearth dev (request log on)", TARGET))
    with serving(QUIET_DEV) as quiet_port, serving(HEARTH_DEV) as hearth_port:
        logging = side_by_side(
            f"http://127.0.0.1:{quiet_port}/", f"http://127.0.0.1:{hearth_port}/"
        )
    print(logging.describe("hearth dev with request log on", LOGGING_TARGET, "--no-log-requests'"))
    return {
        "bare_rps": statistics.median(result.anchor),
        "hearth_dev_rps": statistics.median(result.subject),
        "ratio": result.ratio,
        "logging_on_vs_off": logging.ratio,
    }


def instructions() -> dict[str, float]:
    """The same comparison in instructions per request (callgrind): repeatable on a busy
    machine, where wrk's figures are not."""
    bare = instructions_per_request(BARE)
    hearth = instructions_per_request(HEARTH_DEV)
    print(
        f"dev hello: hearth {hearth:,.0f} instructions/request, bare ASGI {bare:,.0f} -> "
        f"ratio {bare / hearth:.3f}"
    )
    return {"bare_instructions": bare, "hearth_dev_instructions": hearth}


if __name__ == "__main__":
    instructions() if "--instructions" in sys.argv else main()
