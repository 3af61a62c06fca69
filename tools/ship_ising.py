"""Ship a run trained with --preset ising as pretrained/ising/, with its physics report.

    python tools/ship_ising.py runs/ising

Copies the model with ganlib.pretrained.ship (config, weights, ising.json, losses, GIF, a
final grid with one column per temperature), then writes quality.json: the generator's
energy, |m|, susceptibility and +m share at each temperature beside the Monte Carlo test set
(1,000 configurations each, latent seed 0; ganlib.ising_gan.physics_report), and rewrites
SHA256SUMS here and in monte_carlo/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ganlib  # noqa: E402

ganlib.quiet_tensorflow(onednn=True)
from ganlib import ising_gan, pretrained  # noqa: E402


def main(run: str) -> int:
    names = pretrained.ship(run, pretrained.ISING_DIR, grid_n=48)
    pretrained.write_hashes(pretrained.ISING_MONTE_CARLO_DIR)
    generator = pretrained.load_pretrained_ising()
    temperatures = ising_gan.read_model_info(pretrained.ISING_DIR)["temperatures"]
    test = ising_gan.by_temperature(pretrained.load_ising_monte_carlo("test.npz"))
    train = ising_gan.by_temperature(pretrained.load_ising_monte_carlo("train.npz"))
    rows = ising_gan.physics_report(generator, temperatures, test, n=1000, seed=0, floor=train)
    (pretrained.ISING_DIR / "quality.json").write_text(json.dumps(rows, indent=1) + "\n")
    pretrained.write_hashes(pretrained.ISING_DIR)
    print(ising_gan.report_table(rows))
    print("shipped", ", ".join(names + ["quality.json"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
