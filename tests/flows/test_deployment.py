"""prefect.yaml deploys the real flow, nightly at 02:00 Vietnam time."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_prefect_yaml_points_at_the_nightly_flow_and_schedule() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (dep,) = spec["deployments"]
    path, name = dep["entrypoint"].split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    flow = getattr(module, name)
    assert flow.name == "nightly-reconciliation"
    (schedule,) = dep["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == ("0 2 * * *", "Asia/Ho_Chi_Minh")
    # the deployment's parameters are accepted by the flow's signature
    from prefect.schedules import Cron

    deployment = flow.to_deployment(
        name=dep["name"],
        schedule=Cron(schedule["cron"], timezone=schedule["timezone"]),
        parameters=dep["parameters"],
        work_pool_name=dep["work_pool"]["name"],
    )
    assert deployment.parameters == dep["parameters"]
    (sched,) = deployment.schedules
    assert sched.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert set(dep["parameters"]) <= set(flow.parameters.properties)
