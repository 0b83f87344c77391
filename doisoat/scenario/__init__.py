"""Synthetic but realistic scenarios: paper ledgers (Mẫu số 06), software exports, ground truth.

`generate("tay-ninh-2019-h1", out_dir, seed=42)` writes the Tây Ninh city 2019 H1 scenario whose
files give exactly the reported figures; `SCENARIOS["small"]` is a fast one-month scenario;
`ScenarioSpec.scaled(factor)` builds bigger ones for benchmarks; `generate(..., messy=True)` writes
the messy variations (messy.py); `generate_frames(scenario, seed)` builds the canonical frames in
memory ("quality": hard cases and noise for the matcher; "speed-1m": 1,000,000 + 1,000,000 rows).
"""

from doisoat.scenario.catalog import SCENARIOS
from doisoat.scenario.frames import generate_frames
from doisoat.scenario.generator import GeneratedScenario, generate
from doisoat.scenario.spec import InjectionRates, NoiseRates, OfficeSpec, ScenarioSpec

__all__ = [
    "SCENARIOS", "GeneratedScenario", "InjectionRates", "NoiseRates", "OfficeSpec", "ScenarioSpec",
    "generate", "generate_frames",
]
