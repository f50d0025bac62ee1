"""Routes and custom domains: validated patterns, bound once per account."""

from __future__ import annotations

import pytest

from hearth.control import Conflict, ControlPlane, Invalid, NotFound, Principal
from tests.store.backends import row_counts


async def test_a_route_binds_a_pattern_to_an_environment_and_a_hole_to_nothing(
    plane: ControlPlane, admin: Principal
) -> None:
    await plane.environments.create(admin, "api", "staging")
    route = await plane.routes.add(admin, "example.com/*", "api")
    staging = await plane.routes.add(admin, "staging.example.com/*", "api", "staging")
    hole = await plane.routes.add(admin, "example.com/static/*")
    assert (route.service, route.environment) == ("api", "production")
    assert (staging.service, staging.environment) == ("api", "staging")
    assert (hole.service, hole.environment) == (None, None)
    listed = {(r.pattern, r.environment) for r in await plane.routes.list(admin)}
    assert listed == {
        ("example.com/*", "production"),
        ("staging.example.com/*", "staging"),
        ("example.com/static/*", None),
    }
    await plane.routes.remove(admin, hole.id)
    assert len(await plane.routes.list(admin)) == 2


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("example.com/*.jpg", "'*' may only appear"),
        ("example.com/a?b=1", "query"),
        ("ftp://example.com/*", "scheme"),
        ("example.com:8080/*", "port"),
        ("", "empty"),
        ("*/*", "catch-all"),
        ("api.hearth.test/*", "platform domain"),
        ("*.hearth.test/*", "platform domain"),
    ],
)
async def test_an_invalid_route_pattern_is_rejected_saying_why_and_writes_nothing(
    plane: ControlPlane, admin: Principal, pattern: str, reason: str
) -> None:
    before = await row_counts(plane.store)
    with pytest.raises(Invalid) as caught:
        await plane.routes.add(admin, pattern, "api")
    assert reason in caught.value.message
    assert await row_counts(plane.store) == before


async def test_a_pattern_is_bound_once_per_account_whatever_its_spelling(
    plane: ControlPlane, admin: Principal
) -> None:
    await plane.routes.add(admin, "Example.COM/*", "api")
    for same in ("example.com/*", "example.com./*"):
        with pytest.raises(Conflict):
            await plane.routes.add(admin, same)


@pytest.mark.parametrize(
    ("ours", "theirs", "taken"),
    [
        ("example.com/*", "example.com/other/*", True),  # the same host, another path
        ("example.com/*", "*example.com/*", True),  # their wildcard covers our host
        ("*.example.com/*", "api.example.com/*", True),  # ours covers their host
        ("*.example.com/*", "*.api.example.com/*", True),
        ("example.com/*", "*.example.com/*", False),  # only subdomains: not example.com
        ("example.com/*", "example.org/*", False),
        ("example.com/*", "myexample.com/*", False),  # wildcards cover whole labels
    ],
)
async def test_a_host_another_account_routes_cannot_be_claimed(
    plane: ControlPlane, admin: Principal, outsider: Principal, ours: str, theirs: str, taken: bool
) -> None:
    """Otherwise an account could take over another's traffic with a more specific route."""
    await plane.routes.add(admin, ours, "api")
    await plane.services.create(outsider, "api")
    if not taken:
        assert await plane.routes.add(outsider, theirs, "api")
        return
    with pytest.raises(Conflict) as refused:
        await plane.routes.add(outsider, theirs, "api")
    assert refused.value.code == "hostname_taken"
    assert "is claimed by another account" in refused.value.message


async def test_a_custom_domain_of_another_account_cannot_be_claimed(
    plane: ControlPlane, admin: Principal, outsider: Principal
) -> None:
    await plane.routes.add_domain(admin, "shop.example.com", "api")
    await plane.services.create(outsider, "api")
    for claim in (
        plane.routes.add_domain(outsider, "shop.example.com", "api"),
        plane.routes.add(outsider, "*example.com/*", "api"),
    ):
        with pytest.raises(Conflict):
            await claim
    assert await plane.routes.add_domain(outsider, "blog.example.com", "api")


async def test_a_route_to_an_unknown_environment_is_not_found(
    plane: ControlPlane, admin: Principal
) -> None:
    with pytest.raises(NotFound):
        await plane.routes.add(admin, "example.com/*", "api", "staging")
    with pytest.raises(NotFound):
        await plane.routes.add(admin, "example.com/*", "web")


async def test_routes_of_other_accounts_are_invisible(
    plane: ControlPlane, admin: Principal, outsider: Principal
) -> None:
    route = await plane.routes.add(admin, "example.com/*", "api")
    assert await plane.routes.list(outsider) == []
    with pytest.raises(NotFound):
        await plane.routes.remove(outsider, route.id)


async def test_a_custom_domain_is_an_exact_canonical_hostname_bound_once(
    plane: ControlPlane, admin: Principal
) -> None:
    domain = await plane.routes.add_domain(admin, "Shop.Bücher.example", "api")
    assert domain.hostname == "shop.xn--bcher-kva.example"
    with pytest.raises(Conflict):
        await plane.routes.add_domain(admin, "shop.bücher.example", "api")
    for bad in ("*.example.com", "example.com:443", "shop.hearth.test", "a..b"):
        with pytest.raises(Invalid):
            await plane.routes.add_domain(admin, bad, "api")
    assert [d.hostname for d in await plane.routes.list_domains(admin)] == [domain.hostname]
    await plane.routes.remove_domain(admin, "SHOP.bücher.example")
    assert await plane.routes.list_domains(admin) == []
    with pytest.raises(NotFound):
        await plane.routes.remove_domain(admin, "shop.bücher.example")
