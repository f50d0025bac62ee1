"""Choosing the version of a deployment for a request: split, version key, override."""

from __future__ import annotations

from collections import Counter

from hearth.edge._deployments import DeployedVersion, LiveDeployment, parse_overrides

OLD = DeployedVersion("11111111-aaaa", 1, 90)
NEW = DeployedVersion("22222222-bbbb", 2, 10)
SPLIT = LiveDeployment("deployment-1", "shop", (OLD, NEW))


def test_a_single_version_serves_every_request():
    deployment = LiveDeployment("d", "shop", (DeployedVersion("only", 1, 100),))
    assert {deployment.pick([]) for _ in range(100)} == {"only"}


def test_a_90_10_split_sends_about_10_percent_to_the_new_version():
    counts = Counter(SPLIT.pick([]) for _ in range(20_000))
    assert 0.09 < counts[NEW.id] / 20_000 < 0.11


def test_a_version_key_pins_the_same_version_for_the_same_key():
    for key in (b"user-1", b"user-2", b"session-xyz"):
        picks = {SPLIT.pick([(b"hearth-version-key", key)]) for _ in range(50)}
        assert len(picks) == 1


def test_version_keys_still_follow_the_split_across_keys():
    counts = Counter(SPLIT.pick([(b"hearth-version-key", b"k%d" % i)]) for i in range(5_000))
    assert 0.07 < counts[NEW.id] / 5_000 < 0.13


def test_a_fractional_split_is_honoured_with_and_without_version_keys():
    """99.5 / 0.5: the canary gets about half a percent, not 0 % or 1 %."""
    canary = DeployedVersion("33333333-cccc", 3, 0.5)
    split = LiveDeployment("d", "shop", (DeployedVersion("main", 1, 99.5), canary))
    drawn = Counter(split.pick([]) for _ in range(100_000))
    keyed = Counter(split.pick([(b"hearth-version-key", b"k%d" % i)]) for i in range(100_000))
    assert 0.003 < drawn[canary.id] / 100_000 < 0.007
    assert 0.003 < keyed[canary.id] / 100_000 < 0.007


def test_an_override_selects_a_version_of_the_current_deployment():
    by_id = [(b"hearth-version-override", b'shop="22222222-bbbb"')]
    by_number = [(b"hearth-version-override", b'other="x", shop="2"')]
    assert {SPLIT.pick(by_id) for _ in range(50)} == {NEW.id}
    assert {SPLIT.pick(by_number) for _ in range(50)} == {NEW.id}


def test_an_override_naming_a_version_outside_the_deployment_is_ignored():
    headers = [(b"hearth-version-override", b'shop="99999999-zzzz"')]
    counts = Counter(SPLIT.pick(headers) for _ in range(2_000))
    assert counts[OLD.id] > counts[NEW.id] > 0


def test_an_override_for_another_service_is_ignored():
    single = LiveDeployment("d", "shop", (OLD,))
    assert single.pick([(b"hearth-version-override", b'auth="22222222-bbbb"')]) == OLD.id


def test_override_header_parsing_follows_rfc_8941_dictionaries():
    assert parse_overrides('a="1", b="x,y", c=3, d=?1, e') == {"a": "1", "b": "x,y", "c": "3"}
    assert parse_overrides('svc="quoted \\"id\\""') == {"svc": 'quoted "id"'}


def test_a_single_version_looks_at_the_override_header_wherever_it_is():
    """One pass over the header names: other headers are skipped, an override is read."""
    single = LiveDeployment("d", "shop", (OLD,))
    headers = [(b"host", b"shop.example.com"), (b"accept", b"*/*")]
    assert single.pick(headers) == OLD.id
    assert single.pick([*headers, (b"hearth-version-override", b'shop="1"')]) == OLD.id
    assert single.pick([*headers, (b"hearth-version-override", b'shop="2"')]) == OLD.id
