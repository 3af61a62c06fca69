"""A conditional GAN as a sampler of Ising configurations (notebook 10).

:mod:`ganlib.ising` is the physics: Monte Carlo, observables, exact results. This module
is the bridge to a GAN trained on its configurations with ``train --preset ising``: the
label of the conditional GAN is the index of a temperature, and a run folder records which
temperature each label means in ``ising.json`` (:data:`ganlib.runfolder.ISING_FILE`).
Nothing here imports TensorFlow at import time.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import ising

#: The temperatures of notebook 10's training set and of the shipped model in
#: ``pretrained/ising/``: 12 from 1.5 to 3.5, closer together near T_c, which is among them
#: to three decimals (2.269). A conditional GAN's label is the index into this tuple.
TEMPERATURES = (1.5, 1.75, 2.0, 2.1, 2.2, 2.269, 2.35, 2.5, 2.75, 3.0, 3.25, 3.5)

#: How close ``--temperature`` must be to a trained one to count as it (2.269 for T_c).
TEMPERATURE_TOLERANCE = 5e-4


def write_model_info(run_dir, temperatures, L: int, source: dict | None = None) -> Path:
    """Write ``ising.json`` into a run folder: which temperature each label means, and L.

    ``source`` (optional) records how the training configurations were sampled.
    """
    from .runfolder import ISING_FILE

    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    info = {"temperatures": [float(t) for t in temperatures], "L": int(L)}
    if source:
        info["monte_carlo"] = source
    path = run_dir / ISING_FILE
    path.write_text(json.dumps(info, indent=2) + "\n")
    return path


def read_model_info(run_dir) -> dict:
    """The ``ising.json`` of a run folder; ValueError naming the fix when it has none."""
    from .runfolder import ISING_FILE

    path = Path(run_dir) / ISING_FILE
    if not path.is_file():
        raise ValueError(f"{run_dir} is not an Ising model (it has no {ISING_FILE}); --temperature needs a model "
                         "trained on spins, e.g. pretrained/ising (train --preset ising --data ISING.npz)")
    return json.loads(path.read_text())


def temperature_label(temperatures, T: float) -> int:
    """The label (index into ``temperatures``) of temperature ``T``.

    A conditional GAN knows only the temperatures it was trained at: any other raises a
    ValueError that lists them, rather than guessing between two one-hot codes.
    """
    temperatures = np.asarray(temperatures, dtype=np.float64)
    T = ising._check_temperature(T)
    index = int(np.argmin(np.abs(temperatures - T)))
    if abs(temperatures[index] - T) > TEMPERATURE_TOLERANCE:
        shown = ", ".join(f"{t:g}" for t in temperatures)
        raise ValueError(f"the model was not trained at T = {T:g}; choose one of its temperatures: {shown}")
    return index


def generate_spins(generator, temperatures, T: float, n: int, seed: int = 0,
                   symmetrize: bool = False) -> np.ndarray:
    """``n`` configurations at temperature ``T`` from a conditional generator trained on spins.

    Returns int8 (n, L, L) in {-1, +1}: the generator's tanh output turned into spins by
    :func:`ganlib.ising.to_spins`. With ``symmetrize``, each configuration is then flipped
    with probability 1/2 (:func:`flip_half`), which restores the balance of +m and -m that
    the generator may have lost. Same seed, same configurations.
    """
    from .latent import sample_latent
    from .models import generate_images, latent_dim_of

    label = temperature_label(temperatures, T)
    if int(n) <= 0:
        raise ValueError(f"n must be a positive number of configurations, got {n!r}")
    z = sample_latent(int(n), latent_dim_of(generator), seed=seed)
    spins = ising.to_spins(generate_images(generator, z, np.full(int(n), label)))
    return flip_half(spins, seed) if symmetrize else spins


#: Shared bins of the histogram distances: energy per spin over [-2, 0] and magnetisation
#: over [-1, 1], 40 bins each. A bin spans several of the lattice's discrete values (e moves
#: in steps of 4 / L^2, m in steps of 2 / L^2), so no bin is empty by arithmetic alone.
ENERGY_BINS = np.linspace(-2.0, 0.0, 41)
MAGNETIZATION_BINS = np.linspace(-1.0, 1.0, 41)


def observables(spins, T: float, n_boot: int = 200, seed: int = 0) -> dict:
    """The physics of a sample of configurations at temperature ``T``, with error bars.

    Returns a dict of floats: ``energy`` and ``energy_err`` (mean energy per spin and its
    standard error), ``abs_m`` and ``abs_m_err`` (<|m|>), ``chi`` and ``chi_err``
    (susceptibility, bootstrap error), ``heat`` and ``heat_err`` (heat capacity, bootstrap),
    ``plus`` and ``plus_err`` (the share of configurations with m > 0, m = 0 counting half,
    and its binomial error): 0.5 when both magnetised phases are drawn equally often.
    Errors assume independent configurations, as :func:`ganlib.ising.sample` and a
    generator's draws are.
    """
    s = ising.check_spins(spins)
    n, L = len(s), s.shape[1]
    e, m = ising.energy(s), ising.magnetization(s)
    plus = float(np.mean((m > 0) + 0.5 * (m == 0)))
    return {
        "n": n,
        "energy": float(e.mean()), "energy_err": float(e.std(ddof=1) / np.sqrt(n)),
        "abs_m": float(np.abs(m).mean()), "abs_m_err": float(np.abs(m).std(ddof=1) / np.sqrt(n)),
        "chi": float(L ** 2 / T * np.var(np.abs(m))),
        "chi_err": ising.bootstrap_error(np.abs(m), lambda a: L ** 2 / T * np.var(a), n_boot, seed),
        "heat": float(L ** 2 / T ** 2 * np.var(e)),
        "heat_err": ising.bootstrap_error(e, lambda a: L ** 2 / T ** 2 * np.var(a), n_boot, seed),
        "plus": plus, "plus_err": float(np.sqrt(plus * (1 - plus) / n)),
    }


def distances(spins, reference) -> dict:
    """Total variation distances between two samples' histograms of e and of m (0 = same,
    1 = disjoint; :func:`ganlib.ising.histogram_distance` on the shared bins above)."""
    return {"energy": ising.histogram_distance(ising.energy(spins), ising.energy(reference), ENERGY_BINS),
            "m": ising.histogram_distance(ising.magnetization(spins), ising.magnetization(reference),
                                          MAGNETIZATION_BINS)}


def by_temperature(data: dict) -> dict:
    """A data set of :func:`ganlib.ising.dataset` split by temperature: {T: int8 (n, L, L)}."""
    return {float(T): data["spins"][data["labels"] == k] for k, T in enumerate(data["temperatures"])}


def physics_report(generator, temperatures, reference: dict, n: int = 1000, seed: int = 0,
                   floor: dict | None = None) -> list[dict]:
    """The generator judged against Monte Carlo at each temperature: one row per T.

    Parameters
    ----------
    generator : a conditional generator trained on spins (label = index into ``temperatures``)
    temperatures : its temperatures (``read_model_info(folder)["temperatures"]``)
    reference : {T: int8 (n_T, L, L)} Monte Carlo configurations not used in training,
        e.g. ``by_temperature(load_dataset(test.npz))``
    n : configurations drawn from the generator at each temperature
    seed : latent seed of the draws
    floor : optional {T: configurations} of a second, independent Monte Carlo sample (the
        training set); its distance to ``reference`` is what sampling noise alone gives

    Returns
    -------
    list of dicts with ``T``, ``gan`` and ``mc`` (:func:`observables`), ``distance``
    (:func:`distances` of the generator's sample to ``reference``) and, with ``floor``,
    ``floor_distance``.
    """
    rows = []
    for T in temperatures:
        drawn = generate_spins(generator, temperatures, T, n, seed=seed)
        mc = reference[float(T)]
        row = {"T": float(T), "gan": observables(drawn, T), "mc": observables(mc, T),
               "distance": distances(drawn, mc)}
        if floor is not None:
            row["floor_distance"] = distances(floor[float(T)][:len(mc)], mc)
        rows.append(row)
    return rows


def report_table(rows: list[dict]) -> str:
    """The rows of :func:`physics_report` as a fixed-width text table."""
    lines = [f"{'T':>6} {'<e> GAN':>15} {'<e> MC':>15} {'<|m|> GAN':>15} {'<|m|> MC':>15} "
             f"{'chi GAN':>13} {'chi MC':>13} {'m>0 GAN':>8} {'d(e)':>6} {'d(m)':>6}"
             + (f" {'floor d(e)':>10} {'d(m)':>6}" if rows and "floor_distance" in rows[0] else "")]
    for r in rows:
        g, m = r["gan"], r["mc"]
        line = (f"{r['T']:>6.3f} {g['energy']:>8.3f} ±{g['energy_err']:.3f} {m['energy']:>8.3f} ±{m['energy_err']:.3f} "
                f"{g['abs_m']:>8.3f} ±{g['abs_m_err']:.3f} {m['abs_m']:>8.3f} ±{m['abs_m_err']:.3f} "
                f"{g['chi']:>6.2f} ±{g['chi_err']:>4.2f} {m['chi']:>6.2f} ±{m['chi_err']:>4.2f} {g['plus']:>8.2f} "
                f"{r['distance']['energy']:>6.3f} {r['distance']['m']:>6.3f}")
        if "floor_distance" in r:
            line += f" {r['floor_distance']['energy']:>10.3f} {r['floor_distance']['m']:>6.3f}"
        lines.append(line)
    return "\n".join(lines)


def flip_half(spins, seed: int = 0) -> np.ndarray:
    """Flip every configuration with probability 1/2: int8 (n, L, L), same shape.

    The energy without a field does not change when all spins flip, so +m and -m are
    equally likely at every temperature. A generator that draws only one sign below T_c
    (mode collapse) gets the other half back this way, exactly, without training; every
    observable that is even in m (e, |m|, chi) is unchanged.
    """
    s = ising.check_spins(spins)
    signs = np.where(np.random.default_rng(seed).random(len(s)) < 0.5, -1, 1).astype(np.int8)
    return s * signs[:, None, None]
