import pytest

from hearth.fetch import Headers


def test_names_are_case_insensitive():
    headers = Headers({"Content-Type": "text/html"})
    assert headers.get("content-type") == "text/html"
    assert headers.get("CONTENT-TYPE") == "text/html"
    assert headers.has("Content-type")
    assert "CONTENT-type" in headers


def test_constructor_accepts_dict_pairs_and_headers():
    from_dict = Headers({"a": "1"})
    from_pairs = Headers([("a", "1")])
    from_headers = Headers(from_dict)
    assert from_dict == from_pairs == from_headers
    assert Headers(None).items() == []


def test_copying_headers_makes_an_independent_copy():
    original = Headers({"a": "1"})
    copy = Headers(original)
    copy.set("a", "2")
    assert original.get("a") == "1"


def test_a_pair_that_is_not_two_items_is_a_type_error():
    with pytest.raises(TypeError):
        Headers([("a", "1", "2")])


def test_iteration_is_lower_cased_and_sorted_by_name():
    headers = Headers([("X-Zeta", "z"), ("Accept", "a"), ("x-Alpha", "x")])
    assert list(headers) == ["accept", "x-alpha", "x-zeta"]
    assert list(headers.keys()) == ["accept", "x-alpha", "x-zeta"]
    assert list(headers.values()) == ["a", "x", "z"]
    assert headers.entries() == [("accept", "a"), ("x-alpha", "x"), ("x-zeta", "z")]
    assert headers.items() == [("accept", "a"), ("x-alpha", "x"), ("x-zeta", "z")]


def test_append_joins_values_with_comma_space():
    headers = Headers()
    headers.append("Accept", "text/html")
    headers.append("accept", "application/json")
    assert headers.get("accept") == "text/html, application/json"
    assert headers.get_all("accept") == ["text/html", "application/json"]
    assert headers.items() == [("accept", "text/html, application/json")]


def test_set_replaces_every_value():
    headers = Headers([("a", "1"), ("a", "2")])
    headers.set("A", "3")
    assert headers.get_all("a") == ["3"]


def test_delete_removes_the_header():
    headers = Headers({"a": "1"})
    headers.delete("A")
    assert not headers.has("a")
    headers.delete("never-there")  # deleting a missing header is fine


def test_values_are_trimmed_of_http_whitespace():
    headers = Headers()
    headers.set("a", " \t value with inner  space \r\n")
    assert headers.get("a") == "value with inner  space"


@pytest.mark.parametrize("value", ["a\0b", "a\rb", "a\nb"])
def test_nul_cr_or_lf_inside_a_value_is_a_type_error(value):
    with pytest.raises(TypeError):
        Headers({"x": value})
    with pytest.raises(TypeError):
        Headers().append("x", value)


@pytest.mark.parametrize("name", ["", "bad name", "bad:name", "bäd", "a\r\nb"])
def test_invalid_names_are_a_type_error(name):
    with pytest.raises(TypeError):
        Headers().set(name, "v")
    with pytest.raises(TypeError):
        Headers().get(name)


def test_non_string_values_are_converted_like_javascript_does():
    assert Headers({"content-length": 42}).get("content-length") == "42"


def test_there_are_no_forbidden_header_names():
    headers = Headers({"Host": "example.com", "Cookie": "a=1", "Content-Length": "3"})
    assert headers.get("host") == "example.com"
    assert headers.get("cookie") == "a=1"


def test_set_cookie_values_are_kept_apart():
    headers = Headers([("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2, expires=x")])
    assert headers.getSetCookie() == ["a=1; Path=/", "b=2, expires=x"]
    assert headers.get_all("set-cookie") == ["a=1; Path=/", "b=2, expires=x"]
    assert list(headers.entries()) == [
        ("set-cookie", "a=1; Path=/"),
        ("set-cookie", "b=2, expires=x"),
    ]
    assert len(headers) == 2


def test_get_set_cookie_is_empty_when_there_are_none():
    assert Headers().getSetCookie() == []


def test_missing_header_reads_as_none():
    headers = Headers()
    assert headers["missing"] is None
    assert headers.get("missing") is None
    assert headers.get("missing", "fallback") == "fallback"
    assert headers.get_all("missing") == []


def test_item_access_reads_writes_and_deletes():
    headers = Headers()
    headers["X-One"] = "1"
    assert headers["x-one"] == "1"
    del headers["X-ONE"]
    assert "x-one" not in headers


def test_len_counts_entries_as_iteration_yields_them():
    headers = Headers([("a", "1"), ("a", "2"), ("b", "3")])
    assert len(headers) == 2 == len(list(headers))


def test_for_each_passes_value_then_name():
    seen = []
    headers = Headers({"B": "2", "a": "1"})
    headers.forEach(lambda value, name, parent: seen.append((value, name, parent)))
    assert seen == [("1", "a", headers), ("2", "b", headers)]


def test_raw_gives_lower_case_byte_pairs_one_per_value():
    headers = Headers([("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Test", "ok")])
    assert sorted(headers.raw) == [
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
        (b"x-test", b"ok"),
    ]


def test_values_outside_latin_1_are_sent_as_utf_8():
    assert Headers({"x": "€"}).raw == [(b"x", "€".encode())]
