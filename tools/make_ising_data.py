"""Sample the Monte Carlo configurations shipped in pretrained/ising/monte_carlo/ (notebook 10).

    python tools/make_ising_data.py

Writes, with ganlib.ising.cached_dataset (so a file that exists with the same parameters is
kept, and one with other parameters is refused rather than overwritten):

- train.npz: L = 16, the 12 temperatures of ganlib.ising_gan.TEMPERATURES, 2,000 each, seed 0;
  what the shipped GAN was trained on;
- test.npz: the same temperatures, 1,000 each, seed 1; what it is judged against;
- check_L16.npz, check_L32.npz: 17 temperatures from 1.5 to 3.5, 200 each, seed 2; the sampler
  checked against Onsager.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ganlib import ising, ising_gan  # noqa: E402

OUT = ROOT / "pretrained" / "ising" / "monte_carlo"
CHECK_TEMPERATURES = np.round(np.linspace(1.5, 3.5, 17), 3)
FILES = {
    "train.npz": (16, ising_gan.TEMPERATURES, 2000, 0),
    "test.npz": (16, ising_gan.TEMPERATURES, 1000, 1),
    "check_L16.npz": (16, CHECK_TEMPERATURES, 200, 2),
    "check_L32.npz": (32, CHECK_TEMPERATURES, 200, 2),
}


def main() -> int:
    for name, (L, temperatures, n, seed) in FILES.items():
        start = time.perf_counter()
        data = ising.cached_dataset(OUT / name, L, temperatures, n, seed=seed)
        print(f"{name}: L = {L}, {len(temperatures)} temperatures x {n}, seed {seed}: "
              f"{time.perf_counter() - start:.1f} s; tau {np.round(data['tau'], 1).tolist()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
