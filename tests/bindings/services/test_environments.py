"""A gateway calling `auth` (fetch) and `users` (RPC, Default and a named entrypoint) on a real
node, in production and staging: each environment reaches its own targets, over real HTTP
through the gateway's hostname; bindings to targets that do not exist reject the upload."""

from __future__ import annotations

import pytest

from hearth.control import Invalid

from .conftest import Platform, deploy, module, service

AUTH = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        body = await request.text()
        return Response(
            f"auth[{self.env.WHO}] {request.method} {request.url} body={body}",
            status=201,
            headers={"x-auth": self.env.WHO, "set-cookie": "a=1"},
        )
"""

USERS = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def get_user(self, user_id, *, detail=False):
        return {"id": user_id, "env": self.env.WHO, "detail": detail}

class Admin(WorkerEntrypoint):
    async def role(self, user_id):
        return f"admin:{user_id}:{self.env.WHO}"

    async def fetch(self, request):
        return Response(f"admin fetch in {self.env.WHO}")
"""

GATEWAY = """
import json
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        if request.url.endswith("/proxy"):
            return await self.env.AUTH.fetch(request)  # the request itself, body streaming
        auth = await self.env.AUTH.fetch("https://auth.internal/check", method="POST", body="tok")
        user = await self.env.USERS.get_user(7, detail=True)
        role = await self.env.ADMIN.role(7)
        admin_page = await self.env.ADMIN.fetch("https://admin.internal/")
        return Response.json({
            "auth": await auth.text(),
            "auth_status": auth.status,
            "auth_header": auth.headers.get("x-auth"),
            "cookies": auth.headers.getSetCookie(),
            "user": user,
            "role": role,
            "admin_page": await admin_page.text(),
        })
"""

ECHO = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(request.body, status=207, headers={"x-seen": request.headers.get("x-in")})
"""


def gateway_bindings(environment: str | None) -> list[dict]:
    return [
        service("auth", "AUTH", environment),
        service("users", "USERS", environment),
        service("users", "ADMIN", environment, entrypoint="Admin"),
    ]


async def test_each_environment_reaches_its_own_targets(platform: Platform):
    for env in ("production", "staging"):
        await deploy(platform, "auth", AUTH, env, vars={"WHO": f"auth-{env}"})
        await deploy(platform, "users", USERS, env, vars={"WHO": f"users-{env}"})
    await deploy(platform, "gateway", GATEWAY, bindings=gateway_bindings(None))
    await deploy(platform, "gateway", GATEWAY, "staging", bindings=gateway_bindings("staging"))

    for env in ("production", "staging"):
        response = await platform.get(platform.host("gateway", env))
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["auth"] == f"auth[auth-{env}] POST https://auth.internal/check body=tok"
        assert (data["auth_status"], data["auth_header"]) == (201, f"auth-{env}")
        assert data["cookies"] == ["a=1"]
        assert data["user"] == {"id": 7, "env": f"users-{env}", "detail": True}
        assert data["role"] == f"admin:7:users-{env}"
        assert data["admin_page"] == f"admin fetch in users-{env}"


async def test_a_binding_follows_the_targets_current_deployment(platform: Platform):
    await deploy(platform, "auth", AUTH, vars={"WHO": "one"})
    await deploy(platform, "users", USERS, vars={"WHO": "u"})
    await deploy(platform, "gateway", GATEWAY, bindings=gateway_bindings(None))
    assert "auth[one]" in (await platform.get(platform.host("gateway"))).json()["auth"]
    await deploy(platform, "auth", AUTH, vars={"WHO": "two"})  # the gateway is not redeployed
    assert "auth[two]" in (await platform.get(platform.host("gateway"))).json()["auth"]


async def test_headers_body_stream_and_status_pass_through_intact(platform: Platform):
    await deploy(platform, "auth", ECHO)
    await deploy(platform, "users", USERS, vars={"WHO": "u"})
    await deploy(platform, "gateway", GATEWAY, bindings=gateway_bindings(None))
    body = b"x" * 300_000

    async def chunks():
        for i in range(0, len(body), 65536):
            yield body[i : i + 65536]

    response = await platform.client.post(
        f"http://127.0.0.1:{platform.port}/proxy",
        headers={"host": platform.host("gateway"), "x-in": "hello"},
        content=chunks(),
    )
    assert response.status_code == 207
    assert response.headers["x-seen"] == "hello"
    assert response.content == body


async def test_a_private_target_is_reached_only_through_the_binding(platform: Platform):
    await platform.plane.services.create(platform.admin, "auth", private=True)
    await deploy(platform, "auth", AUTH, vars={"WHO": "hidden"})
    await deploy(platform, "users", USERS, vars={"WHO": "u"})
    await deploy(platform, "gateway", GATEWAY, bindings=gateway_bindings(None))
    assert (await platform.get(platform.host("auth"))).status_code == 404
    assert "auth[hidden]" in (await platform.get(platform.host("gateway"))).json()["auth"]


@pytest.mark.parametrize(
    "binding, message",
    [
        (service("nowhere", "AUTH"), "service binding 'AUTH': no service 'nowhere'"),
        (
            service("auth", "AUTH", "staging"),
            "service binding 'AUTH': service 'auth' has no environment 'staging'",
        ),
    ],
    ids=["service", "environment"],
)
async def test_a_binding_to_a_missing_target_rejects_the_upload(
    platform: Platform, binding: dict, message: str
):
    await deploy(platform, "auth", AUTH, vars={"WHO": "x"})
    await platform.plane.services.create(platform.admin, "gateway")
    with pytest.raises(Invalid) as raised:
        await platform.upload("gateway", "production", module(GATEWAY), bindings=[binding])
    assert message in str(raised.value)
    versions = await platform.plane.versions.list(platform.admin, "gateway", "production")
    assert versions.items == []


async def test_a_call_to_a_target_deleted_later_says_what_is_missing(platform: Platform):
    await deploy(platform, "auth", AUTH, "staging", vars={"WHO": "x"})
    caller = """
    from workers import Response, WorkerEntrypoint

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            try:
                await self.env.AUTH.fetch("https://auth/")
            except Exception as error:
                return Response(f"{type(error).__name__}: {error}")
    """
    await deploy(platform, "gateway", caller, bindings=[service("auth", "AUTH", "staging")])
    await platform.plane.environments.delete(platform.admin, "auth", "staging")
    text = (await platform.get(platform.host("gateway"))).text
    assert (
        text == "RuntimeError: service binding 'AUTH': service 'auth' has no environment 'staging'"
    )
