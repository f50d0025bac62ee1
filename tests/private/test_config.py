"""wrangler's `workers_dev` and `preview_urls` as the config reader resolves them for
`hearth deploy`: inherited by `[env.x]` unless the environment sets its own; left unsaid,
workers_dev is on unless the environment has routes, and preview_urls follows workers_dev."""

from __future__ import annotations

from hearth.config import load_config
from tests.config.conftest import Project, project

__all__ = ["project"]


def settings(project: Project, toml: str, env: str | None) -> tuple[bool, bool]:
    root = project({"wrangler.toml": 'name = "web"\nmain = "src/entry.py"\n' + toml})
    config = load_config(root, env=env)
    return config.serves_workers_dev, config.serves_preview_urls


def test_unsaid_both_are_on(project: Project) -> None:
    assert settings(project, "", None) == (True, True)


def test_routes_turn_workers_dev_off_and_preview_urls_follow(project: Project) -> None:
    assert settings(project, 'routes = ["shop.example.com/*"]\n', None) == (False, False)


def test_preview_urls_can_stay_on_without_workers_dev(project: Project) -> None:
    assert settings(project, "workers_dev = false\npreview_urls = true\n", None) == (False, True)


def test_an_environment_inherits_both_unless_it_sets_its_own(project: Project) -> None:
    toml = """
workers_dev = false
preview_urls = false
[env.staging]
[env.preview]
workers_dev = true
"""
    assert settings(project, toml, "staging") == (False, False)
    # Its own workers_dev; preview_urls is still inherited (false), not derived.
    assert settings(project, toml, "preview") == (True, False)
