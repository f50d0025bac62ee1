from http import HTTPStatus

import pytest

from hearth.fetch import FormData, Response

RANGE_ERROR = "status codes in the range 200 to 599"


async def test_str_body_gets_text_plain_content_type():
    response = Response("text")
    assert response.headers.get("content-type") == "text/plain;charset=UTF-8"
    assert await response.text() == "text"


def test_bytes_body_gets_no_content_type():
    assert "content-type" not in Response(b"bytes").headers


def test_a_given_content_type_wins_over_the_default():
    response = Response("<p>", headers={"Content-Type": "text/html"})
    assert response.headers.get_all("content-type") == ["text/html"]


def test_defaults():
    response = Response()
    assert response.status == 200
    assert response.ok
    assert response.statusText == response.status_text == "OK"
    assert response.redirected is False
    assert response.url == ""
    assert response.type == "default"
    assert response.body is None
    assert response.webSocket is None and response.web_socket is None
    assert response.js_object is response


def test_init_dict_and_keyword_arguments_combine_with_keywords_winning():
    response = Response(
        "x", {"status": 201, "statusText": "Made", "headers": {"a": "1"}}, status=202
    )
    assert response.status == 202
    assert response.statusText == "Made"
    assert response.headers.get("a") == "1"


def test_status_may_be_given_positionally_as_in_cloudflares_sdk():
    assert Response("gone", 410).status == 410


def test_status_accepts_http_status():
    assert Response("x", status=HTTPStatus.CREATED).status == 201


def test_status_text_defaults_to_the_reason_phrase():
    assert Response(status=404).statusText == "Not Found"
    assert Response(status=599).statusText == ""
    assert Response(status=404, status_text="Nope").statusText == "Nope"


@pytest.mark.parametrize("status", [0, 100, 101, 199, 600, 1000])
def test_status_outside_200_to_599_is_a_value_error(status):
    with pytest.raises(ValueError, match=RANGE_ERROR):
        Response(status=status)


def test_status_101_is_allowed_with_a_web_socket():
    socket = object()
    response = Response(None, status=101, web_socket=socket)
    assert response.status == 101
    assert response.webSocket is socket


def test_web_socket_may_be_given_in_camel_case():
    socket = object()
    assert Response(None, {"status": 101, "webSocket": socket}).web_socket is socket


@pytest.mark.parametrize("status", [204, 205, 304])
def test_null_body_statuses_with_a_body_are_a_type_error(status):
    with pytest.raises(TypeError, match=rf"null body status \({status}\) cannot have a body"):
        Response("x", status=status)
    assert Response(None, status=status).body is None


def test_ok_is_true_only_for_2xx():
    assert Response(status=299).ok
    assert not Response(status=300).ok


async def test_json_builds_a_json_response():
    response = Response.json({"a": [1, 2]}, status=201, headers={"x": "1"})
    assert response.status == 201
    assert response.headers.get("content-type") == "application/json"
    assert response.headers.get("x") == "1"
    assert await response.json() == {"a": [1, 2]}


def test_json_keeps_a_given_content_type():
    response = Response.json([], headers={"content-type": "application/vnd.api+json"})
    assert response.headers.get("content-type") == "application/vnd.api+json"


async def test_from_json_is_an_alias_of_json():
    response = Response.from_json({"ok": True}, {"status": 202})
    assert response.status == 202
    assert await response.json() == {"ok": True}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_with_a_redirect_status(status):
    response = Response.redirect("https://example.com/next", status)
    assert response.status == status
    assert response.headers.get("location") == "https://example.com/next"
    assert response.body is None


def test_redirect_defaults_to_302_with_a_normalised_location():
    response = Response.redirect("HTTPS://Example.com")
    assert response.status == 302
    assert response.headers.get("location") == "https://example.com/"


@pytest.mark.parametrize("status", [200, 300, 304, 404])
def test_redirect_with_another_status_is_a_value_error(status):
    with pytest.raises(ValueError):
        Response.redirect("https://example.com/", status)


def test_redirect_to_an_invalid_url_is_a_type_error():
    with pytest.raises(TypeError, match="Invalid URL"):
        Response.redirect("/relative")


def test_redirect_headers_are_immutable():
    response = Response.redirect("https://example.com/")
    with pytest.raises(TypeError, match="immutable"):
        response.headers.set("location", "https://evil.example/")


def test_error_is_a_network_error_response():
    response = Response.error()
    assert (response.status, response.type, response.statusText) == (0, "error", "")
    with pytest.raises(TypeError):
        response.headers.append("x", "1")


async def test_form_data_body_round_trips():
    form = FormData()
    form.append("a", "1")
    response = Response(form)
    assert (await response.formData()).get("a") == "1"


async def test_clone_keeps_status_and_headers_apart():
    response = Response("body", status=201, headers={"x": "1"})
    clone = response.clone()
    clone.headers.set("x", "2")
    assert clone.status == 201
    assert response.headers.get("x") == "1"
    assert await clone.text() == await response.text() == "body"


async def test_replace_body_keeps_status_and_headers():
    response = Response("old", status=418, headers={"x": "1"})
    replaced = response.replace_body("new")
    assert replaced.status == 418
    assert replaced.headers.get("x") == "1"
    assert await replaced.text() == "new"


def test_status_text_with_a_newline_is_a_type_error():
    with pytest.raises(TypeError):
        Response(status_text="a\r\nb")
