"""What each key becomes in a WorkerConfig."""

from __future__ import annotations

import textwrap

import pytest

from hearth.bindings.durable_objects import DurableObjectConfig, Migration
from hearth.bindings.kv import KVNamespaceConfig
from hearth.bindings.services import ServiceConfig
from hearth.bindings.vars import VersionMetadataConfig
from hearth.config import ConfigError, Route, WorkerConfig
from hearth.dev import load_project_config as load_config

from .conftest import Project

HEAD = """
    name = "shop"
    main = "src/entry.py"
    compatibility_date = "2025-09-01"
    compatibility_flags = ["python_workers"]
"""


def load(project: Project, body: str, env: str | None = None) -> WorkerConfig:
    """HEAD is lines 1-4 of wrangler.toml, `body` starts on line 5."""
    text = textwrap.dedent(HEAD).strip("\n") + "\n" + textwrap.dedent(body).strip("\n")
    return load_config(project({"wrangler.toml": text}), env)


def test_string_vars_stay_strings_and_others_become_json(project: Project) -> None:
    config = load(
        project,
        """
        [vars]
        API_HOST = "api.example.com"
        PORT = 8080
        RATIO = 0.5
        DEBUG = false
        ORIGINS = ["a.example.com", "b.example.com"]
        LIMITS = { per_minute = 60, burst = { size = 10 } }
        """,
    )
    assert config.vars == {
        "API_HOST": "api.example.com",  # a plain_text binding
        "PORT": 8080,  # the others are json bindings
        "RATIO": 0.5,
        "DEBUG": False,
        "ORIGINS": ["a.example.com", "b.example.com"],
        "LIMITS": {"per_minute": 60, "burst": {"size": 10}},
    }


def test_a_toml_date_var_has_no_json_form(project: Project) -> None:
    with pytest.raises(ConfigError, match="quote it") as caught:
        load(project, "[vars]\nLAUNCH = { day = 2025-01-01 }\n")
    assert (caught.value.line, caught.value.key) == (6, "vars.LAUNCH.day")


def test_routes_take_every_wrangler_form(project: Project) -> None:
    config = load(
        project,
        """
        routes = [
          "shop.example.com/*",
          "https://*.shop.example.com/api/*",
          { pattern = "admin.example.com/*", zone_name = "example.com" },
          { pattern = "x.example.com/*", zone_id = "0123" },
          { pattern = "shop.example.org", custom_domain = true },
        ]
        """,
    )
    assert config.routes == [
        Route("shop.example.com/*"),
        Route("https://*.shop.example.com/api/*"),
        Route("admin.example.com/*", zone_name="example.com"),
        Route("x.example.com/*"),
        Route("shop.example.org", custom_domain=True),
    ]
    assert load(project, 'route = "shop.example.com/*"').routes == [Route("shop.example.com/*")]
    assert load(project, "").routes == []


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("example.com/*.jpg", "only at the end of the path"),
        ("shop.*.example.com/*", "only at the start of the hostname"),
        ("ftp://example.com/*", "http:// or https://"),
        ("example.com/search?q=*", "query string"),
        ("/just/a/path", "hostname is required"),
    ],
)
def test_route_patterns_follow_cloudflares_rules(
    project: Project, pattern: str, problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        load(project, f'routes = ["ok.example.com/*", "{pattern}"]')
    assert caught.value.key == "routes[1]"


def test_a_custom_domain_is_a_bare_hostname(project: Project) -> None:
    with pytest.raises(ConfigError, match="custom domain") as caught:
        load(project, 'routes = [{ pattern = "shop.example.com/*", custom_domain = true }]')
    assert caught.value.key == "routes[0].pattern"


def test_route_and_routes_together_are_an_error(project: Project) -> None:
    with pytest.raises(ConfigError, match="either"):
        load(project, 'route = "a.example.com/*"\nroutes = ["b.example.com/*"]')


def test_bindings(project: Project) -> None:
    config = load(
        project,
        """
        [[kv_namespaces]]
        binding = "CACHE"
        id = "cache-id"
        preview_id = "cache-preview-id"

        [[kv_namespaces]]
        binding = "SESSIONS"

        [[services]]
        binding = "AUTH"
        service = "auth"

        [[services]]
        binding = "BILLING"
        service = "billing"
        environment = "staging"
        entrypoint = "Invoices"

        [durable_objects]
        bindings = [
          { name = "CART", class_name = "Cart" },
          { name = "ROOMS", class_name = "Room", script_name = "chat", environment = "staging" },
        ]

        [[migrations]]
        tag = "v1"
        new_classes = ["Basket"]

        [[migrations]]
        tag = "v2"
        new_sqlite_classes = ["Ledger"]
        renamed_classes = [{ from = "Basket", to = "Cart" }]
        deleted_classes = ["Ledger"]

        [version_metadata]
        binding = "CF_VERSION_METADATA"
        """,
    )
    migrations = (
        Migration("v1", new_classes=["Basket"]),
        Migration(
            "v2",
            new_sqlite_classes=["Ledger"],
            renamed_classes=[("Basket", "Cart")],
            deleted_classes=["Ledger"],
        ),
    )
    # In the order of the binding types, each type's in file order.
    assert config.bindings == [
        VersionMetadataConfig("CF_VERSION_METADATA"),
        KVNamespaceConfig("CACHE", "cache-id", preview_id="cache-preview-id"),
        KVNamespaceConfig("SESSIONS", None),  # resolved by name in the account
        ServiceConfig("AUTH", "auth"),
        ServiceConfig("BILLING", "billing", environment="staging", entrypoint="Invoices"),
        DurableObjectConfig("CART", "Cart", migrations=migrations),
        DurableObjectConfig(
            "ROOMS", "Room", script_name="chat", environment="staging", migrations=migrations
        ),
    ]
    assert config.warnings == []


def test_a_durable_object_class_without_a_migration_is_warned_about(project: Project) -> None:
    config = load(project, '[durable_objects]\nbindings = [{ name = "CART", class_name = "Cart" }]')
    assert any("[[migrations]]" in w for w in config.warnings)

    config = load(
        project,
        """
        durable_objects.bindings = [{ name = "CART", class_name = "Cart" }]
        [[migrations]]
        tag = "v1"
        new_sqlite_classes = ["Basket"]
        """,
    )
    assert config.warnings == [
        'wrangler.toml:5: durable_objects.bindings[0].class_name: class "Cart" is not '
        "created by any migration"
    ]


def test_migration_tags_are_unique(project: Project) -> None:
    with pytest.raises(ConfigError, match='duplicate migration tag "v1"') as caught:
        load(project, '[[migrations]]\ntag = "v1"\n[[migrations]]\ntag = "v1"\n')
    assert (caught.value.line, caught.value.key) == (8, "migrations[1].tag")


def test_binding_names_are_unique_across_binding_types(project: Project) -> None:
    with pytest.raises(ConfigError, match='"CACHE" is already used by vars.CACHE') as caught:
        load(
            project,
            """
            vars = { CACHE = "x" }
            [[kv_namespaces]]
            binding = "CACHE"
            id = "1"
            """,
        )
    assert (caught.value.line, caught.value.key) == (7, "kv_namespaces[0].binding")


def test_crons_limits_and_urls(project: Project) -> None:
    config = load(
        project,
        """
        workers_dev = false
        preview_urls = true
        limits = { cpu_ms = 50, subrequests = 100 }
        [triggers]
        crons = ["*/5 * * * *", "0 3 * * MON"]
        """,
    )
    assert config.crons == ["*/5 * * * *", "0 3 * * MON"]
    assert config.limits == {"cpu_ms": 50, "subrequests": 100}
    assert (config.workers_dev, config.preview_urls) == (False, True)
    # Left unsaid, they stay None: wrangler infers them from routes, so does the platform.
    assert (load(project, "").workers_dev, load(project, "").preview_urls) == (None, None)


def test_a_cron_needs_five_fields(project: Project) -> None:
    with pytest.raises(ConfigError, match="five fields") as caught:
        load(project, 'triggers = { crons = ["* * * *"] }')
    assert caught.value.key == "triggers.crons[0]"


def test_main_is_relative_to_the_config_file_and_must_exist(project: Project) -> None:
    root = project({"app/wrangler.toml": 'name = "x"\nmain = "../src/entry.py"'})
    assert load_config(root / "app").main == root.resolve() / "src" / "entry.py"

    root = project({"wrangler.toml": 'name = "x"\nmain = "src/missing.py"'}, entry=False)
    with pytest.raises(ConfigError, match="not found") as caught:
        load_config(root)
    assert (caught.value.line, caught.value.key) == (2, "main")


def test_main_is_required(project: Project) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(project({"wrangler.toml": 'name = "x"'}))
    assert str(caught.value).startswith("wrangler.toml: main: required")


def test_main_must_be_a_python_module(project: Project) -> None:
    root = project({"wrangler.toml": 'name = "x"\nmain = "src/index.js"', "src/index.js": ""})
    with pytest.raises(ConfigError, match="not a Python module"):
        load_config(root)


@pytest.mark.parametrize("name", ["Shop", "shop_v2", "-shop", "shop-", "s" * 64, ""])
def test_invalid_service_names(project: Project, name: str) -> None:
    with pytest.raises(ConfigError, match="invalid service name") as caught:
        load_config(project({"wrangler.toml": f'name = "{name}"\nmain = "src/entry.py"'}))
    assert (caught.value.line, caught.value.key) == (1, "name")


def test_the_name_is_required(project: Project) -> None:
    with pytest.raises(ConfigError, match="required") as caught:
        load_config(project({"wrangler.toml": 'main = "src/entry.py"'}))
    assert caught.value.key == "name"


@pytest.mark.parametrize(
    ("written", "read"), [('"2025-09-01"', "2025-09-01"), ("2025-09-01", "2025-09-01")]
)
def test_compatibility_date_is_a_date(project: Project, written: str, read: str) -> None:
    root = project(
        {"wrangler.toml": f'name = "x"\nmain = "src/entry.py"\ncompatibility_date = {written}'}
    )
    assert load_config(root).compatibility_date == read


@pytest.mark.parametrize("written", ['"2025-13-01"', '"01-09-2025"', '"2025-9-1"', "20250901"])
def test_an_invalid_compatibility_date_is_an_error(project: Project, written: str) -> None:
    root = project(
        {"wrangler.toml": f'name = "x"\nmain = "src/entry.py"\ncompatibility_date = {written}'}
    )
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert (caught.value.line, caught.value.key) == (3, "compatibility_date")


def test_unknown_and_unsupported_keys_are_warnings(project: Project) -> None:
    config = load(
        project,
        """
        account_id = "abc"
        compatability_date = "2025-01-01"
        [[r2_buckets]]
        binding = "BUCKET"
        bucket_name = "b"
        [[kv_namespaces]]
        binding = "CACHE"
        idd = "typo"
        """,
    )
    assert config.warnings == [
        "wrangler.toml:6: compatability_date: unexpected field, ignored",
        "wrangler.toml:7: r2_buckets: not supported by Hearth, ignored",
        "wrangler.toml:12: kv_namespaces[0].idd: unexpected field, ignored",
    ]


def test_a_missing_compatibility_date_is_warned_about(project: Project) -> None:
    config = load_config(project({"wrangler.toml": 'name = "x"\nmain = "src/entry.py"'}))
    assert any("no compatibility_date" in w for w in config.warnings)
