"""`make bench`: every benchmark, each printing its figure as a ratio against its anchor."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "bench.bench_dev_hello",
    "bench.bench_routing",
    "bench.bench_serve",
    "bench.bench_kv",
    "bench.bench_kv_api",
    "bench.bench_service_bindings",
    "bench.bench_durable_objects",
    "bench.bench_cron",
    "bench.bench_tail",
    "bench.bench_tls_ask",
]


def main() -> None:
    only = sys.argv[1:]
    for name in BENCHMARKS:
        if only and not any(part in name for part in only):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            print(f"{name}: skipped ({error})")
            continue
        print(f"== {name}")
        module.main()


if __name__ == "__main__":
    main()
