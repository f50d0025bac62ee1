"""`[env.<name>]` blocks: what an environment inherits, what it must repeat, what it is called.

Inheritable keys (main, compatibility date and flags, routes, triggers, limits, workers_dev,
preview_urls, migrations) come from the top level unless the environment sets them; vars and
bindings are not inherited, as in wrangler.
"""

from __future__ import annotations

import pytest

from hearth.bindings import declared_bindings
from hearth.bindings.kv import KVNamespaceConfig
from hearth.bindings.services import ServiceConfig
from hearth.config import ConfigError, Route
from hearth.dev import load_project_config as load_config

from .conftest import Project

SHOP = """
    name = "shop"
    main = "src/entry.py"
    compatibility_date = "2025-09-01"
    compatibility_flags = ["python_workers"]
    route = "shop.example.com/*"
    workers_dev = true

    [vars]
    GREETING = "hello"
    LEVEL = "info"

    [[kv_namespaces]]
    binding = "CACHE"
    id = "production-cache"

    [triggers]
    crons = ["0 * * * *"]

    [env.staging]
    route = "staging.shop.example.com/*"
    vars = { GREETING = "hello from staging" }
    services = [{ binding = "AUTH", service = "auth", environment = "staging" }]

    [env.dev]
    compatibility_date = "2025-10-01"
    main = "src/dev.py"
"""


@pytest.fixture
def shop(project: Project):
    return project({"wrangler.toml": SHOP, "src/dev.py": ""})


def test_without_env_the_top_level_is_the_config(shop) -> None:
    config = load_config(shop)
    assert config.env is None
    assert config.name == "shop"
    assert config.vars == {"GREETING": "hello", "LEVEL": "info"}
    assert config.bindings == [KVNamespaceConfig("CACHE", "production-cache")]
    assert config.environments == ["staging", "dev"]


def test_an_environment_inherits_main_dates_flags_and_triggers(shop) -> None:
    config = load_config(shop, "staging")
    assert config.env == "staging"
    assert config.main == shop.resolve() / "src" / "entry.py"
    assert config.compatibility_date == "2025-09-01"
    assert config.compatibility_flags == ["python_workers"]
    assert config.crons == ["0 * * * *"]
    assert config.workers_dev is True


def test_an_environment_overrides_what_it_sets(shop) -> None:
    staging = load_config(shop, "staging")
    assert staging.routes == [Route("staging.shop.example.com/*")]

    dev = load_config(shop, "dev")
    assert dev.compatibility_date == "2025-10-01"
    assert dev.main.name == "dev.py"
    assert dev.routes == [Route("shop.example.com/*")]


def test_vars_and_bindings_are_not_inherited(shop) -> None:
    staging = load_config(shop, "staging")
    # Only what env.staging says: LEVEL and the CACHE namespace are gone.
    assert staging.vars == {"GREETING": "hello from staging"}
    assert staging.bindings == [ServiceConfig("AUTH", "auth", environment="staging")]

    dev = load_config(shop, "dev")
    assert dev.vars == {}
    assert dev.bindings == []


def test_missing_non_inherited_keys_are_warned_about(shop) -> None:
    staging = load_config(shop, "staging")
    assert any(
        w.startswith('wrangler.toml:19: env.staging: "kv_namespaces" exists at the top level')
        for w in staging.warnings
    )
    assert any(
        w == 'wrangler.toml:21: env.staging.vars: "LEVEL" is set at the top level but not here'
        for w in staging.warnings
    )


def test_route_and_routes_are_one_setting(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                routes = ["a.example.com/*", "b.example.com/*"]
                [env.staging]
                route = "staging.example.com/*"
            """
        }
    )
    assert load_config(root, "staging").routes == [Route("staging.example.com/*")]


def test_an_environment_without_a_block_is_the_top_level_with_a_warning(shop) -> None:
    """The server's environments are the truth (`hearth env create qa --from staging` makes
    one no block describes); the warning names the blocks, in case of a typo."""
    config = load_config(shop, "prod")
    assert config.env == "prod" and config.name == "shop"
    assert config.warnings == [
        "wrangler.toml: no [env.prod] block (blocks: staging, dev); using the top-level configuration"
    ]


def test_production_without_a_block_is_the_top_level_without_a_word(shop) -> None:
    config = load_config(shop, "production")
    assert config.env == "production" and config.warnings == []


def test_without_any_env_blocks_an_environment_uses_the_top_level(project: Project) -> None:
    # wrangler's special case: only a warning, and the bindings are kept.
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                vars = { A = "1" }
            """
        }
    )
    config = load_config(root, "preview")
    assert config.env == "preview"
    assert config.vars == {"A": "1"}
    assert any("no [env.preview] block" in w for w in config.warnings)


def test_environments_are_environments_of_the_same_service_by_default(shop) -> None:
    config = load_config(shop, "staging")
    assert config.legacy_env is False
    assert (config.name, config.env) == ("shop", "staging")


def test_legacy_env_makes_each_environment_a_separate_worker(project: Project) -> None:
    root = project({"wrangler.toml": "legacy_env = true\n" + SHOP.strip()})
    config = load_config(root, "staging")
    assert config.legacy_env is True
    assert (config.name, config.env) == ("shop-staging", "staging")
    assert load_config(root).name == "shop"


def test_legacy_env_lets_an_environment_choose_its_worker_name(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                legacy_env = true
                [env.staging]
                name = "shop-preprod"
            """
        }
    )
    assert load_config(root, "staging").name == "shop-preprod"


def test_a_service_environment_cannot_rename_the_service(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                [env.staging]
                name = "shop-preprod"
            """
        }
    )
    with pytest.raises(ConfigError) as caught:
        load_config(root, "staging")
    assert (caught.value.line, caught.value.key) == (4, "env.staging.name")
    assert "legacy_env" in caught.value.message


def test_a_legacy_name_longer_than_63_characters_is_an_error(project: Project) -> None:
    long_name = "s" * 60
    root = project(
        {
            "wrangler.toml": f"""
                name = "{long_name}"
                main = "src/entry.py"
                legacy_env = true
                [env.staging]
            """
        }
    )
    with pytest.raises(ConfigError, match="longer than 63") as caught:
        load_config(root, "staging")
    assert (caught.value.line, caught.value.key) == (1, "name")


def test_environment_names_must_fit_in_a_hostname(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                [env.Staging_EU]
            """
        }
    )
    with pytest.raises(ConfigError, match="invalid environment name") as caught:
        load_config(root, "Staging_EU")
    assert (caught.value.line, caught.value.key) == (3, "env.Staging_EU")


def test_migrations_are_inherited_unless_an_environment_sets_its_own(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                [[migrations]]
                tag = "v1"
                new_sqlite_classes = ["Cart"]
                [env.staging]
                durable_objects = { bindings = [{ name = "CART", class_name = "Cart" }] }
                [env.fresh]
                durable_objects = { bindings = [{ name = "CART", class_name = "Cart" }] }
                migrations = [{ tag = "s1", new_sqlite_classes = ["Cart"] }]
            """
        }
    )
    for env, tags in (("staging", ["v1"]), ("fresh", ["s1"])):
        (durable,) = declared_bindings(load_config(root, env))
        assert [m["tag"] for m in durable.spec().settings["migrations"]] == tags


def test_only_the_selected_environment_is_validated(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                main = "src/entry.py"
                [env.broken]
                vars = "not a table"
                [env.fine]
            """
        }
    )
    assert load_config(root, "fine").env == "fine"
    with pytest.raises(ConfigError, match="expected a table"):
        load_config(root, "broken")
