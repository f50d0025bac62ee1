"""Routes may not reach the platform's generated hostnames through a parent domain, may not
outgrow what the database stores, and two accounts never both get one hostname."""

from __future__ import annotations

import asyncio

import pytest

from hearth.control import Conflict, ControlPlane, Invalid, Principal
from hearth.control._routes import PATTERN_MAX
from tests.store.backends import row_counts


@pytest.mark.parametrize(
    "pattern",
    [
        "*.test/*",  # every host under .test, hearth.test's previews included
        "https://*.test/api*",
        "*earth.test/*",
        "*hearth.test/*",
        "hearth.test/*",
    ],
)
async def test_a_wildcard_over_a_parent_of_the_platform_domain_is_refused(
    plane: ControlPlane, admin: Principal, pattern: str
) -> None:
    """With the platform domain hearth.test, `*.test/*` would serve every account's preview
    URLs and the hostnames of environments with workers_dev off: the user gets a 400 saying
    the pattern covers the platform domain, and nothing is written."""
    before = await row_counts(plane.store)
    with pytest.raises(Invalid) as caught:
        await plane.routes.add(admin, pattern, "api")
    assert caught.value.code == "reserved_hostname"
    assert "platform domain 'hearth.test'" in caught.value.message
    assert await row_counts(plane.store) == before


@pytest.mark.parametrize("pattern", ["*.com/*", "*com/*", "http://*.dev/a"])
async def test_a_wildcard_over_a_whole_top_level_domain_is_refused(
    plane: ControlPlane, admin: Principal, pattern: str
) -> None:
    """`*.com` covers every other account's .com hosts, as the catch-all `*` would."""
    with pytest.raises(Invalid) as caught:
        await plane.routes.add(admin, pattern, "api")
    assert caught.value.code == "invalid_route"
    assert "whole top-level domain" in caught.value.message


async def test_a_wildcard_over_an_unrelated_domain_is_still_accepted(
    plane: ControlPlane, admin: Principal
) -> None:
    route = await plane.routes.add(admin, "*.example.test/*", "api")
    assert route.pattern == "*.example.test/*"


@pytest.mark.parametrize(
    "pattern",
    [
        "example.com/" + "a" * 1100 + "*",
        # 200 characters as written, 1200 once the path is percent-encoded.
        "example.org/" + "\u00e9" * 200 + "*",
    ],
)
async def test_a_route_pattern_longer_than_1024_characters_is_refused(
    plane: ControlPlane, admin: Principal, pattern: str
) -> None:
    """PostgreSQL's pattern columns hold 1024 characters: a longer one is a 400 saying so,
    not a database error."""
    with pytest.raises(Invalid) as caught:
        await plane.routes.add(admin, pattern, "api")
    assert caught.value.code == "invalid_route"
    assert f"longer than {PATTERN_MAX} characters" in caught.value.message


async def test_a_route_pattern_of_exactly_1024_characters_is_stored(
    plane: ControlPlane, admin: Principal
) -> None:
    pattern = "example.com/" + "a" * (PATTERN_MAX - len("example.com/*")) + "*"
    assert len(pattern) == PATTERN_MAX
    await plane.routes.add(admin, pattern, "api")
    assert [r.pattern for r in await plane.routes.list(admin)] == [pattern]


async def test_two_accounts_claiming_one_hostname_at_once_get_it_once(
    plane: ControlPlane, admin: Principal, outsider: Principal
) -> None:
    """The check that another account has not claimed a host and the claim itself take
    turns: of two simultaneous claims, one succeeds and the other is a 409 hostname_taken."""
    await plane.services.create(outsider, "api")
    for i in range(10):
        host = f"shop{i}.example.com"
        results = await asyncio.gather(
            plane.routes.add_domain(admin, host, "api"),
            plane.routes.add_domain(outsider, host, "api"),
            plane.routes.add(admin, f"{host}/*", "api"),
            plane.routes.add(outsider, f"{host}/*", "api"),
            return_exceptions=True,
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(f, Conflict) and f.code == "hostname_taken" for f in failures)
    owners: dict[str, set[str]] = {}
    for principal in (admin, outsider):
        hosts = [d.hostname for d in await plane.routes.list_domains(principal)]
        hosts += [r.pattern.removesuffix("/*") for r in await plane.routes.list(principal)]
        for host in hosts:
            owners.setdefault(host, set()).add(principal.account.name)
    assert len(owners) == 10
    assert all(len(names) == 1 for names in owners.values()), owners
