"""Synthetic but realistic scenarios: paper ledgers (Mẫu số 06), software exports, ground truth.

`generate("tay-ninh-2019-h1", out_dir, seed=42)` writes the Tây Ninh city 2019 H1 scenario whose
files give exactly the reported figures; `SCENARIOS["small"]` is a fast one-month scenario;
`ScenarioSpec.scaled(factor)` builds bigger ones for benchmarks.
"""

from doisoat.scenario.catalog import SCENARIOS
from doisoat.scenario.generator import GeneratedScenario, generate
from doisoat.scenario.spec import InjectionRates, OfficeSpec, ScenarioSpec

__all__ = ["SCENARIOS", "GeneratedScenario", "InjectionRates", "OfficeSpec", "ScenarioSpec", "generate"]
