from http import HTTPMethod

import pytest

from hearth.fetch import FormData, Headers, Request, URLSearchParams


def test_url_is_normalised():
    assert Request("https://test.com").url == "https://test.com/"
    assert Request("HTTPS://Test.com/a/../b?x=1").url == "https://test.com/b?x=1"


@pytest.mark.parametrize("bad", ["/relative/path", "example.com", "https://bad host/", ""])
def test_invalid_url_is_a_type_error_naming_it(bad):
    with pytest.raises(TypeError, match="Invalid URL") as caught:
        Request(bad)
    assert repr(bad) in str(caught.value)


def test_defaults():
    request = Request("https://example.com/")
    assert request.method == "GET"
    assert request.redirect == "follow"
    assert request.cf is None
    assert request.body is None
    assert not request.body_used
    assert list(request.headers) == []
    assert request.js_object is request


@pytest.mark.parametrize("method", ["get", "Post", "put", "delete", "head", "options"])
def test_standard_methods_are_upper_cased(method):
    assert Request("https://example.com/", method=method).method == method.upper()


def test_other_methods_are_kept_as_given():
    assert Request("https://example.com/", method="patch").method == "patch"
    assert Request("https://example.com/", method="PROPFIND").method == "PROPFIND"


def test_http_method_enum_is_accepted():
    assert Request("https://example.com/", method=HTTPMethod.POST).method == "POST"


@pytest.mark.parametrize("method", ["CONNECT", "trace", "Track"])
def test_forbidden_methods_are_a_type_error(method):
    with pytest.raises(TypeError, match="unsupported"):
        Request("https://example.com/", method=method)


@pytest.mark.parametrize("method", ["", "GE T", "GET\r\n", "é"])
def test_methods_that_are_not_tokens_are_a_type_error(method):
    with pytest.raises(TypeError, match="Invalid HTTP method"):
        Request("https://example.com/", method=method)


@pytest.mark.parametrize("method", ["GET", "HEAD", "get"])
def test_get_or_head_with_a_body_is_a_type_error(method):
    with pytest.raises(TypeError, match="GET or HEAD method cannot have a body"):
        Request("https://example.com/", method=method, body="x")


def test_get_with_a_none_body_is_fine():
    assert Request("https://example.com/", body=None).body is None


def test_invalid_redirect_mode_is_a_type_error():
    with pytest.raises(TypeError):
        Request("https://example.com/", redirect="sometimes")


def test_init_dict_and_keyword_arguments_combine_with_keywords_winning():
    request = Request(
        "https://example.com/",
        {"method": "PUT", "headers": {"x": "from-init"}, "redirect": "manual", "cf": {"a": 1}},
        headers={"x": "from-kwargs"},
    )
    assert request.method == "PUT"
    assert request.headers.get("x") == "from-kwargs"
    assert request.redirect == "manual"
    assert request.cf == {"a": 1}


async def test_str_body_gets_a_text_plain_content_type():
    request = Request("https://example.com/", method="POST", body="hi")
    assert request.headers.get("content-type") == "text/plain;charset=UTF-8"
    assert await request.text() == "hi"


def test_a_given_content_type_is_kept():
    request = Request(
        "https://example.com/",
        method="POST",
        body="{}",
        headers={"Content-Type": "application/json"},
    )
    assert request.headers.get_all("content-type") == ["application/json"]


def test_bytes_body_gets_no_content_type():
    request = Request("https://example.com/", method="POST", body=b"\x00")
    assert "content-type" not in request.headers


async def test_form_data_body_is_encoded_as_multipart():
    form = FormData()
    form.append("name", "value")
    request = Request("https://example.com/", method="POST", body=form)
    assert request.headers.get("content-type").startswith("multipart/form-data; boundary=")
    assert (await request.form_data()).get("name") == "value"


async def test_url_search_params_body_is_form_urlencoded():
    request = Request("https://example.com/", method="POST", body=URLSearchParams({"a": "1 2"}))
    assert request.headers.get("content-type") == "application/x-www-form-urlencoded;charset=UTF-8"
    assert await request.text() == "a=1+2"


async def test_copying_a_request_takes_its_method_headers_and_body():
    original = Request("https://example.com/a", method="POST", headers={"x": "1"}, body="data")
    copy = Request(original)
    assert (copy.url, copy.method, copy.headers.get("x")) == ("https://example.com/a", "POST", "1")
    assert await copy.text() == "data"


async def test_copying_a_request_moves_its_body():
    original = Request("https://example.com/", method="POST", body="data")
    Request(original)
    assert original.body_used
    with pytest.raises(TypeError, match="already been used"):
        await original.text()


async def test_copying_a_request_can_override_its_parts():
    original = Request("https://example.com/", method="POST", body="old", headers={"x": "1"})
    copy = Request(original, method="PUT", body="new", headers=Headers({"y": "2"}))
    assert copy.method == "PUT"
    assert "x" not in copy.headers and copy.headers.get("y") == "2"
    assert await copy.text() == "new"
    assert not original.body_used


def test_copying_a_request_whose_body_was_used_is_a_type_error():
    original = Request("https://example.com/", method="POST", body="data")
    Request(original)
    with pytest.raises(TypeError, match="already been used"):
        Request(original)


def test_copying_a_request_without_a_body_leaves_it_unused():
    original = Request("https://example.com/")
    Request(original)
    assert not original.body_used


async def test_clone_gives_an_equal_independent_request():
    request = Request("https://example.com/", method="POST", body="data", headers={"x": "1"})
    clone = request.clone()
    clone.headers.set("x", "2")
    assert (clone.url, clone.method) == (request.url, request.method)
    assert request.headers.get("x") == "1"
    assert await clone.text() == await request.text() == "data"


async def test_clone_after_reading_is_a_type_error():
    request = Request("https://example.com/", method="POST", body="data")
    await request.bytes()
    with pytest.raises(TypeError, match="already been used"):
        request.clone()
