import pytest

from hearth.fetch import URL, URLSearchParams
from hearth.fetch._url import normalize_url


def test_url_exposes_its_components():
    url = URL("https://user:pw@Example.com:8443/a/b?x=1&y=2#frag")
    assert url.href == "https://user:pw@example.com:8443/a/b?x=1&y=2#frag"
    assert url.protocol == "https:"
    assert url.host == "example.com:8443"
    assert url.hostname == "example.com"
    assert url.port == "8443"
    assert url.pathname == "/a/b"
    assert url.search == "?x=1&y=2"
    assert url.hash == "#frag"
    assert url.origin == "https://example.com:8443"
    assert url.username == "user"
    assert str(url) == url.href


def test_relative_url_resolves_against_a_base():
    assert URL("../c?q", "https://example.com/a/b/").href == "https://example.com/a/c?q"


@pytest.mark.parametrize("bad", ["/relative", "not a url", "https://exa mple.com/", "http://"])
def test_invalid_url_is_a_type_error(bad):
    with pytest.raises(TypeError, match="Invalid URL"):
        URL(bad)


def test_setting_a_component_updates_the_href():
    url = URL("https://example.com/a")
    url.pathname = "/b c"
    url.search = "?q=1"
    assert url.href == "https://example.com/b%20c?q=1"


def test_search_params_read_the_query():
    params = URL("https://example.com/?a=1&b=x+y&a=2&c").searchParams
    assert params.get("a") == "1"
    assert params.getAll("a") == ["1", "2"]
    assert params.get("b") == "x y"
    assert params.get("c") == ""
    assert params.get("missing") is None
    assert params.has("c")
    assert list(params.entries()) == [("a", "1"), ("b", "x y"), ("a", "2"), ("c", "")]


def test_changing_search_params_updates_the_url():
    url = URL("https://example.com/?a=1")
    url.searchParams.append("b", "two words")
    url.searchParams.set("a", "3")
    assert url.href == "https://example.com/?a=3&b=two+words"


def test_url_search_params_serialise_as_form_urlencoded():
    params = URLSearchParams({"q": "a&b=c", "tilde": "~", "star": "*"})
    assert params.toString() == "q=a%26b%3Dc&tilde=%7E&star=*"
    assert str(URLSearchParams("?x=1")) == "x=1"


def test_url_search_params_delete_and_sort():
    params = URLSearchParams("b=2&a=1&b=3")
    params.sort()
    assert str(params) == "a=1&b=2&b=3"
    params.delete("b")
    assert str(params) == "a=1"


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("https://test.com", "https://test.com/"),
        ("https://test.com?x", "https://test.com/?x"),
        ("HTTPS://Test.COM:443/a/./b/../c", "https://test.com/a/c"),
        ("http://localhost:8787/x", "http://localhost:8787/x"),
        ("http://example.com:80/", "http://example.com/"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://0x7f.1/", "https://127.0.0.1/"),
        ("http://127.0.0.1:8787/a?x=1", "http://127.0.0.1:8787/a?x=1"),
        ("http://255.255.255.255/", "http://255.255.255.255/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("http://010.0.0.1/", "http://8.0.0.1/"),
        ("http://00.1.1.1/", "http://0.1.1.1/"),
        ("http://1.2.3/", "http://1.2.0.3/"),
    ],
)
def test_normalize_url_serialises_the_whatwg_form(given, normal):
    assert normalize_url(given) == normal
    assert normalize_url(given) == normal  # the second time from the memo, the same


@pytest.mark.parametrize("invalid", ["http://192.168.1.256/", "http://1.2.3.4.5/", "nope"])
def test_an_invalid_url_is_refused_every_time(invalid):
    for _ in range(2):
        with pytest.raises(TypeError):
            normalize_url(invalid)


def test_the_memo_of_normal_forms_stays_bounded():
    from hearth.fetch import _url

    for number in range(_url._NORMALISED_SIZE + 10):
        assert normalize_url(f"https://example.com/{number}") == f"https://example.com/{number}"
    assert len(_url._NORMALISED) <= _url._NORMALISED_SIZE
    long = "https://example.com/" + "a" * _url._NORMALISED_MAX_LENGTH
    assert normalize_url(long) == long
    assert long not in _url._NORMALISED
