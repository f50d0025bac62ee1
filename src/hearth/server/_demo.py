"""`hearth serve --demo`: deploy the demo project (`demo/` beside this module, shipped as package
data, so an installed Hearth has it too) as service `demo`, production and staging, once."""

from __future__ import annotations

from pathlib import Path

from ..config import collect_bundle, load_config
from ..control import ControlError, ControlPlane, Principal

DEMO_PROJECT = Path(__file__).with_name("demo")


async def deploy_demo(plane: ControlPlane, account: str, project: Path = DEMO_PROJECT) -> bool:
    """Deploy the demo unless the service exists; True when it was deployed now."""
    principal = Principal(await plane.accounts.get(account), "demo", "admin")
    config = load_config(project)
    try:
        await plane.services.get(principal, config.name)
        return False
    except ControlError:
        pass
    files, main_module = collect_bundle(config)
    await plane.services.create(principal, config.name)
    await plane.versions.upload(
        principal,
        config.name,
        "production",
        files=files,
        main_module=main_module,
        compatibility_date=config.compatibility_date,
        compatibility_flags=config.compatibility_flags,
        vars=dict(config.vars),
        message="demo",
        deploy=True,
    )
    await plane.environments.clone(principal, config.name, "production", "staging")
    await plane.settings.set_vars(
        principal, config.name, "staging", {"GREETING": "Hello from staging"}, message="demo"
    )
    return True
