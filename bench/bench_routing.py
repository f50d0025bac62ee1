"""Routing-table lookup cost does not grow with the table: 10 entries vs 10,000.

Builds two tables of the same shape — N environment hostnames and N routes (exact and wildcard
hosts, path prefixes, exact paths, a few holes) — with N = 10 and N = 10,000, then times the same
mix of lookups against each: generated-hostname hits, route hits (exact host, wildcard host over a
deeper subdomain, custom domain behind a route) and misses (unknown hosts, unrouted paths).

The anchor is the small table; the claim is large / small ≤ 1.2 for the *same queries* (lookups
of entries both tables hold), which isolates the table's size. A second line queries each table
across all of its entries: that adds the cache misses of a 10,000-host working set, which any
structure pays — a bare `dict.get` over the same hosts is printed as the floor of that effect.

    python bench/bench_routing.py
"""

from __future__ import annotations

import random
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

try:
    from hearth.edge._routing import RoutingTable
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from hearth.edge._routing import RoutingTable

SMALL, LARGE = 10, 10_000
QUERIES = 3_000  # per table; same count and mix for both
REPEAT = 7
Query = tuple[str, str, str]


def build(n: int) -> tuple[RoutingTable, dict[str, list[Query]]]:
    """A table with n hostnames and n routes, and lookups of each kind that hit its entries."""
    table = RoutingTable()
    hits_host: list[Query] = []
    hits_route: list[Query] = []
    misses: list[Query] = []
    for i in range(n):
        # Environment hostnames: production, preview environments, version preview URLs.
        host = [
            f"svc{i}.acct{i % 97}.hearth.test",
            f"staging.svc{i}.acct{i % 97}.hearth.test",
            f"v{i % 9 + 1}.preview.svc{i}.acct{i % 97}.hearth.test",
        ][i % 3]
        table.set_hostname(host, f"env-{i}")
        hits_host.append(("https", host, "/api/items?page=2"))

        # Routes of varied shapes over distinct zones.
        zone = f"zone{i}.example"
        kind = i % 5
        if kind == 0:
            table.add_route(f"r{i}", f"www.{zone}/*", f"env-{i}")
            hits_route.append(("https", f"www.{zone}", "/index.html"))
            misses.append(("https", f"cdn.{zone}", "/index.html"))
        elif kind == 1:
            table.add_route(f"r{i}", f"*.{zone}/api/*", f"env-{i}")
            hits_route.append(("https", f"eu.shop.{zone}", "/api/v1/items?q=x"))
            misses.append(("https", f"eu.shop.{zone}", "/home"))
        elif kind == 2:
            table.add_route(f"r{i}", f"https://*{zone}/*", f"env-{i}")
            hits_route.append(("https", f"{zone}:443", "/"))
            misses.append(("http", f"a.{zone}", "/"))
        elif kind == 3:
            table.set_hostname(f"app.{zone}", f"app-{i}", custom_domain=True)
            table.add_route(f"r{i}", f"app.{zone}/admin*", f"env-{i}")
            hits_route.append(("https", f"app.{zone}", "/admin/users"))
            misses.append(("https", f"unknown{i}.elsewhere.test", "/"))
        else:
            table.add_route(f"r{i}", f"{zone}/static/*", None)  # a hole
            table.add_route(f"r{i}b", f"{zone}/robots.txt", f"env-{i}")
            hits_route.append(("https", zone, "/robots.txt"))
            misses.append(("https", zone, "/static/app.css"))
    return table, {"hostname hit": hits_host, "route hit": hits_route, "miss": misses}


def draw(pools: list[list[Query]], first: int | None, rng: random.Random) -> list[Query]:
    """QUERIES lookups, the pools interleaved, drawn at random from each pool's first entries."""
    pools = [pool[:first] for pool in pools]
    return [rng.choice(pools[i % len(pools)]) for i in range(QUERIES)]


def dict_baseline(queries: list[Query], hosts: list[str]) -> Callable[[], None]:
    """The floor: one bare dict.get per request on the same hosts, nothing else."""
    table = dict.fromkeys(hosts, "env")
    get = table.get

    def run() -> None:
        for _, host, _ in queries:
            get(host)

    return run


def lookups(table: RoutingTable, queries: list[Query]) -> Callable[[], None]:
    lookup = table.lookup

    def run() -> None:
        for scheme, host, path in queries:
            lookup(scheme, host, path)

    return run


def best_ns(runs: dict[str, Callable[[], None]]) -> dict[str, float]:
    """ns per lookup for each run, best of REPEAT rounds; runs alternate within a round so that
    machine noise hits them alike."""
    timers = {name: timeit.Timer(run) for name, run in runs.items()}
    numbers = {name: max(1, int(0.03 / max(t.timeit(1), 1e-9))) for name, t in timers.items()}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(REPEAT):
        for name, t in timers.items():
            best[name] = min(best[name], t.timeit(numbers[name]) / numbers[name])
    return {name: seconds / QUERIES * 1e9 for name, seconds in best.items()}


def main() -> dict[str, object]:
    rng = random.Random(42)
    small, small_queries = build(SMALL)
    large, large_queries = build(LARGE)
    for table, queries in ((small, small_queries), (large, large_queries)):
        for kind, qs in queries.items():  # sanity: hits hit (a worker) and misses do not
            for q in qs[:: max(1, len(qs) // 50)]:
                m = table.lookup(*q)
                assert (m is not None and m.target is not None) == (kind != "miss"), (kind, q)

    # Same queries against both tables: only the table's size differs. This is the claim.
    kinds = list(small_queries)
    same = {"mix": draw(list(small_queries.values()), SMALL, rng)}
    same |= {kind: draw([small_queries[kind]], SMALL, rng) for kind in kinds}
    # Each table queried across all of its entries: adds the memory traffic of a big working
    # set, which no structure escapes; a bare dict.get over the same hosts shows the floor.
    spread_small = draw(list(small_queries.values()), None, rng)
    spread_large = draw(list(large_queries.values()), None, rng)
    runs: dict[str, Callable[[], None]] = {}
    for key, qs in same.items():
        runs[f"{key}/small"], runs[f"{key}/large"] = lookups(small, qs), lookups(large, qs)
    runs["spread/small"], runs["spread/large"] = (
        lookups(small, spread_small),
        lookups(large, spread_large),
    )
    runs["dict/small"] = dict_baseline(spread_small, [h for _, h, _ in spread_small])
    runs["dict/large"] = dict_baseline(
        spread_large, [h for qs in large_queries.values() for _, h, _ in qs]
    )
    ns = best_ns(runs)
    ratios = {
        key.split("/")[0]: ns[key] / ns[key.replace("/large", "/small")]
        for key in ns
        if key.endswith("/large")
    }
    ratio = ratios["mix"]
    entries = {
        "small": (small.hostname_count, small.route_count),
        "large": (large.hostname_count, large.route_count),
    }

    print(f"routing table lookup: ns per lookup, best of {REPEAT} rounds (hostnames + routes:")
    print(
        f"small {entries['small'][0]:,} + {entries['small'][1]:,}, "
        f"large {entries['large'][0]:,} + {entries['large'][1]:,})"
    )
    print(f"{'':<44}{'small':>8}{'large':>8}{'ratio':>8}")
    rows = [("same queries, mix (anchor: small table)", "mix")]
    rows += [(f"  same queries, {kind}", kind) for kind in kinds]
    rows += [
        ("queries spread over each whole table", "spread"),
        ("  bare dict.get, same spread (floor)", "dict"),
    ]
    for label, key in rows:
        print(f"{label:<44}{ns[key + '/small']:>8.0f}{ns[key + '/large']:>8.0f}{ratios[key]:>8.2f}")
    print(f"target ratio <= 1.2: {'ok' if ratio <= 1.2 else 'MISSED'} ({ratio:.2f})")
    return {
        "small_ns": ns["mix/small"],
        "large_ns": ns["mix/large"],
        "ratio": ratio,
        "target_ratio": 1.2,
        "by_kind": {
            k: {"small_ns": ns[f"{k}/small"], "large_ns": ns[f"{k}/large"], "ratio": ratios[k]}
            for k in kinds
        },
        "spread_small_ns": ns["spread/small"],
        "spread_large_ns": ns["spread/large"],
        "spread_ratio": ratios["spread"],
        "dict_spread_ratio": ratios["dict"],
        "entries": entries,
    }


if __name__ == "__main__":
    main()
