"""Hello-world worker under `hearth dev` versus a bare ASGI hello app (same server, same run)."""

from __future__ import annotations

import statistics

from ._load import PYTHON, serving, wrk

ROUNDS = 3


def main(seconds: float = 5) -> dict[str, float]:
    bare, hearth = [], []
    bare_cmd = [PYTHON, "bench/bare_asgi.py", "{port}"]
    hearth_cmd = [
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
    for _ in range(ROUNDS):  # alternate, so drift in machine load hits both sides alike
        with serving(bare_cmd) as port:
            wrk(f"http://127.0.0.1:{port}/", seconds=1)
            bare.append(wrk(f"http://127.0.0.1:{port}/", seconds=seconds))
        with serving(hearth_cmd) as port:
            wrk(f"http://127.0.0.1:{port}/", seconds=1)
            hearth.append(wrk(f"http://127.0.0.1:{port}/", seconds=seconds))
    figures = {
        "bare_rps": statistics.median(bare),
        "hearth_dev_rps": statistics.median(hearth),
    }
    figures["ratio"] = figures["hearth_dev_rps"] / figures["bare_rps"]
    print(
        f"dev hello: hearth {figures['hearth_dev_rps']:,.0f} req/s, bare ASGI "
        f"{figures['bare_rps']:,.0f} req/s -> ratio {figures['ratio']:.2f} (target >= 0.80)"
    )
    return figures


if __name__ == "__main__":
    main()
