"""Hello-world worker under `hearth dev` versus a bare ASGI hello app (same server, same run).

Both servers run side by side and wrk alternates between them, so drift in the machine's load
hits both alike; the figure is the median of the per-round ratios.
"""

from __future__ import annotations

import statistics
import sys

from ._load import PYTHON, instructions_per_request, serving, wrk

ROUNDS = 5
BARE = [PYTHON, "bench/bare_asgi.py", "{port}"]
HEARTH_DEV = [
    PYTHON,
    "-m",
    "hearth",
    "dev",
    "examples/hello",
    "--ip",
    "127.0.0.1",
    "--port",
    "{port}",
    "--no-log-requests",
]


def main(seconds: float = 4) -> dict[str, float]:
    ratios, bare, hearth = [], [], []
    with serving(BARE) as bare_port, serving(HEARTH_DEV) as hearth_port:
        bare_url = f"http://127.0.0.1:{bare_port}/"
        hearth_url = f"http://127.0.0.1:{hearth_port}/"
        wrk(bare_url, seconds=1)
        wrk(hearth_url, seconds=1)
        for round_ in range(ROUNDS):
            # Alternate which side goes first, so that a drift within a round favours neither.
            if round_ % 2:
                hearth.append(wrk(hearth_url, seconds=seconds))
                bare.append(wrk(bare_url, seconds=seconds))
            else:
                bare.append(wrk(bare_url, seconds=seconds))
                hearth.append(wrk(hearth_url, seconds=seconds))
            ratios.append(hearth[-1] / bare[-1])
    figures = {
        "bare_rps": statistics.median(bare),
        "hearth_dev_rps": statistics.median(hearth),
        "ratio": statistics.median(ratios),
    }
    print(
        f"dev hello: hearth {figures['hearth_dev_rps']:,.0f} req/s, bare ASGI "
        f"{figures['bare_rps']:,.0f} req/s -> ratio {figures['ratio']:.2f} (target >= 0.80; "
        f"rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    return figures


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
