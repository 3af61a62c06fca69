import functools
import math

import numpy as np
import pytest

from ganlib import ising

TC = ising.T_CRITICAL


@functools.lru_cache(maxsize=None)
def _all_configurations(L: int) -> np.ndarray:
    """Every configuration of the L x L torus: int8 (2^(L^2), L, L), one per bit pattern."""
    codes = np.arange(2 ** (L * L), dtype=np.int64)
    bits = (codes[:, None] >> np.arange(L * L)) & 1
    return (2 * bits - 1).astype(np.int8).reshape(-1, L, L)


def _exact(L: int, T: float) -> dict:
    """Boltzmann averages of the L x L lattice by summing over all 2^(L^2) configurations."""
    s = _all_configurations(L)
    e, m = ising.energy(s), ising.abs_magnetization(s)
    w = np.exp(-(e - e.min()) * L * L / T)  # exp(-E / T), E = L^2 e, shifted against overflow
    w /= w.sum()
    mean = lambda x: float(np.sum(w * x))  # noqa: E731
    return {"e": mean(e), "m": mean(m), "chi": L * L / T * (mean(m ** 2) - mean(m) ** 2),
            "c": L * L / T ** 2 * (mean(e ** 2) - mean(e) ** 2)}


# --- exact results -----------------------------------------------------------------------


def test_critical_temperature():
    assert TC == pytest.approx(2.269185, abs=1e-6)
    assert math.sinh(2 / TC) == pytest.approx(1.0, abs=1e-14)  # Kramers-Wannier: sinh(2 / T_c) = 1


def test_onsager_energy_at_known_points():
    assert float(ising.onsager_energy(TC)) == pytest.approx(-math.sqrt(2), abs=1e-6)
    assert float(ising.onsager_energy(0.05)) == pytest.approx(-2.0, abs=1e-12)
    assert float(ising.onsager_energy(1e4)) == pytest.approx(0.0, abs=1e-3)
    # continuous through T_c, where the elliptic integral diverges
    near = ising.onsager_energy(np.array([TC * (1 - 1e-9), TC * (1 + 1e-9)]))
    np.testing.assert_allclose(near, -math.sqrt(2), atol=1e-6)


def test_onsager_energy_matches_the_low_and_high_temperature_series():
    # low T: ln Z / N = 2 beta + u^2 + 2 u^3 + 9/2 u^4 + 12 u^5 + ..., u = exp(-4 beta) (one
    # flipped spin costs 8, a domino 12, ...); the energy is -d/d beta of it
    u = math.exp(-4.0)  # T = 1
    low = -2 + 8 * u ** 2 + 24 * u ** 3 + 72 * u ** 4 + 240 * u ** 5
    assert float(ising.onsager_energy(1.0)) == pytest.approx(low, abs=1e-7)
    # high T: ln Z / N = ln 2 + 2 ln cosh beta + t^4 + 2 t^6 + 9/2 t^8 + ..., t = tanh beta
    t = math.tanh(0.1)  # T = 10
    high = -2 * t - (4 * t ** 3 + 12 * t ** 5 + 36 * t ** 7) * (1 - t ** 2)
    assert float(ising.onsager_energy(10.0)) == pytest.approx(high, abs=1e-6)


def test_onsager_magnetization():
    assert float(ising.onsager_magnetization(2.0)) == pytest.approx(0.911319, abs=1e-6)
    assert float(ising.onsager_magnetization(2.0)) == pytest.approx((1 - math.sinh(1.0) ** -4) ** 0.125, rel=1e-12)
    np.testing.assert_array_equal(ising.onsager_magnetization([TC, 2.3, 3.0, 50.0]), 0.0)
    assert float(ising.onsager_magnetization(0.1)) == pytest.approx(1.0, abs=1e-12)
    m = ising.onsager_magnetization(np.linspace(0.5, TC * 0.999999, 50))
    assert np.all(np.diff(m) < 0) and 0 < m[-1] < 0.3  # falls to 0 at T_c, as (T_c - T)^(1/8)


@pytest.mark.parametrize("T", [0.0, -1.0, float("nan"), float("inf")])
def test_onsager_rejects_bad_temperatures(T):
    with pytest.raises(ValueError, match="positive finite"):
        ising.onsager_energy(T)
    with pytest.raises(ValueError, match="positive finite"):
        ising.onsager_magnetization([1.0, T])


# --- observables ---------------------------------------------------------------------------


def test_observables_of_hand_made_configurations():
    up = np.ones((4, 4), dtype=np.int8)
    checker = np.where(np.add.outer(np.arange(4), np.arange(4)) % 2 == 0, 1, -1)
    one_down = up.copy()
    one_down[1, 2] = -1
    stripes = np.repeat([[1], [1], [-1], [-1]], 4, axis=1)  # two rows up, two rows down
    batch = np.stack([up, -up, checker, one_down, stripes])
    # stripes: the 16 right bonds agree, of the 16 down bonds 8 agree and 8 do not
    np.testing.assert_allclose(ising.energy(batch), [-2, -2, 2, -2 + 8 / 16, -1])
    np.testing.assert_allclose(ising.magnetization(batch), [1, -1, 0, 14 / 16, 0])
    np.testing.assert_allclose(ising.abs_magnetization(batch), [1, 1, 0, 14 / 16, 0])
    assert ising.energy(up).shape == (1,) and ising.energy(batch).dtype == np.float64
    # a vertical stripe is the same energy turned by 90 degrees: both neighbour directions count
    np.testing.assert_allclose(ising.energy(stripes.T), -1)


def test_energy_of_a_large_lattice_does_not_overflow_int8():
    assert ising.energy(np.ones((1, 64, 64), dtype=np.int8))[0] == -2.0


def test_susceptibility_and_heat_capacity_formulas():
    L, T = 4, 2.0
    up, checker = np.ones((L, L)), np.where(np.add.outer(np.arange(L), np.arange(L)) % 2 == 0, 1, -1)
    assert ising.susceptibility(np.stack([up, -up]), T) == 0.0  # |m| = 1 in both: no fluctuation
    # |m| is 1 or 0: <m^2> - <|m|>^2 = 1/2 - 1/4; e is -2 or +2: var(e) = 4
    assert ising.susceptibility(np.stack([up, checker]), T) == pytest.approx(L * L / T * 0.25)
    assert ising.heat_capacity(np.stack([up, checker]), T) == pytest.approx(L * L / T ** 2 * 4)


@pytest.mark.parametrize("bad, message", [
    (np.array([[1, 0], [1, 1]]), "must be -1 or \\+1"),
    (np.array([[1, 2], [-1, 1]]), "must be -1 or \\+1"),
    (np.ones((3, 4, 5)), "shape"),
    (np.ones((2, 1, 1)), "L must be an integer >= 2"),
    (np.ones(4), "shape"),
])
def test_check_spins_rejects_what_is_not_a_batch_of_spins(bad, message):
    with pytest.raises(ValueError, match=message):
        ising.check_spins(bad)


def test_check_spins_accepts_float_spins_and_returns_int8():
    s = ising.check_spins(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    assert s.dtype == np.int8 and s.shape == (1, 2, 2)


def test_histogram_distance():
    rng = np.random.default_rng(0)
    a = rng.normal(size=1000)
    assert ising.histogram_distance(a, a, bins=20) == 0.0
    assert ising.histogram_distance(a, a + 100, bins=20) == 1.0  # no shared bin
    # half of b's mass where a is, half far away
    b = np.concatenate([a[:500], a[:500] + 100])
    assert ising.histogram_distance(a, b, bins=[-10, 10, 90, 110]) == pytest.approx(0.5)
    assert 0 < ising.histogram_distance(a, rng.normal(0.5, 1, 1000), bins=20) < 0.5


def test_bootstrap_error_of_a_mean_is_the_standard_error():
    x = np.random.default_rng(1).normal(size=2000)
    assert ising.bootstrap_error(x, n_boot=400) == pytest.approx(x.std() / math.sqrt(x.size), rel=0.15)
    assert ising.bootstrap_error(x, n_boot=400) == ising.bootstrap_error(x, n_boot=400)  # seeded
    with pytest.raises(ValueError, match="1-D array of at least 2"):
        ising.bootstrap_error(np.ones((3, 3)))


# --- Monte Carlo moves -------------------------------------------------------------------------


def test_metropolis_at_the_extremes():
    up = np.ones((3, 6, 6), dtype=np.int8)
    rng = np.random.default_rng(0)
    # near T = 0 no flip against the field is accepted; the input is left as it was
    np.testing.assert_array_equal(ising.metropolis_sweeps(up, 0.01, 5, rng), up)
    # at huge T every proposal is accepted: one sweep flips each sublattice once, so every spin
    assert np.all(ising.metropolis_sweeps(up, 1e12, 1, rng) == -1)
    assert np.all(up == 1)


def test_metropolis_refuses_an_odd_lattice_and_the_2x2_one():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="metropolis needs an even L for its checkerboard, got L = 5"):
        ising.metropolis_sweeps(np.ones((1, 5, 5)), 2.0, 1, rng)
    with pytest.raises(ValueError, match="metropolis needs an even L"):
        ising.sample(5, 2.0, 10, algorithm="metropolis")
    with pytest.raises(ValueError, match="metropolis needs an even L >= 4.*wolff"):
        ising.sample(2, 3.0, 10, algorithm="metropolis")


def test_the_stripe_trap_that_metropolis_refuses_on_L2():
    # on 2 x 2 every spin of a stripe state has h = 0: each sweep flips all spins for certain
    stripes = np.array([[[1, 1], [-1, -1]]])
    after = stripes.copy()
    for _ in range(10):
        after = ising._metropolis(after.astype(np.int8), 2.0, 1, np.random.default_rng(0))
        assert abs(ising.magnetization(after)[0]) == 0 and ising.energy(after)[0] == 0


def test_wolff_cluster_is_everything_at_low_T_and_one_spin_at_high_T():
    rng = np.random.default_rng(0)
    up = np.ones((4, 7, 7), dtype=np.int8)  # odd L is fine for Wolff
    # p = 1 - exp(-2 / T) ~ 1: the cluster holds the whole aligned lattice
    np.testing.assert_array_equal(ising.wolff_steps(up, 0.01, 1, rng), -up)
    # p ~ 2e-9: no bond opens, the cluster is its seed alone
    flipped = ising.wolff_steps(up, 1e9, 1, rng)
    np.testing.assert_array_equal((flipped == -1).sum(axis=(1, 2)), [1, 1, 1, 1])
    assert np.all(up == 1)
    # a cluster stops at the other sign: a row of +1 among -1 is one cluster (seeded on the
    # row, 1 chain in 6) and the -1 sites another, so at p ~ 1 every chain ends uniform
    row = -np.ones((120, 6, 6), dtype=np.int8)
    row[:, 2] = 1
    after = ising.wolff_steps(row, 0.01, 1, rng).reshape(120, -1)
    all_down, all_up = np.all(after == -1, axis=1), np.all(after == 1, axis=1)
    assert np.all(all_down | all_up)
    assert 0.05 < all_down.mean() < 0.35


@pytest.mark.parametrize("T", [1.8, 2.3, 3.0])
@pytest.mark.parametrize("algorithm", ["metropolis", "wolff"])
def test_sampler_matches_the_exact_averages_of_the_4x4_lattice(algorithm, T):
    exact = _exact(4, T)
    n = 4000  # one configuration per chain: independent samples, so the error bar is std / sqrt(n)
    spins = ising.sample(4, T, n, algorithm=algorithm, seed=11, chains=n)
    e, m = ising.energy(spins), ising.abs_magnetization(spins)
    assert abs(e.mean() - exact["e"]) < 4 * e.std() / math.sqrt(n)
    assert abs(m.mean() - exact["m"]) < 4 * m.std() / math.sqrt(n)
    if T == 2.3:  # the fluctuation formulas, with bootstrap error bars
        chi = ising.susceptibility(spins, T)
        chi_error = ising.bootstrap_error(ising.magnetization(spins),
                                          lambda x: 16 / T * (np.mean(x ** 2) - np.mean(np.abs(x)) ** 2))
        assert abs(chi - exact["chi"]) < 4 * chi_error
        c = ising.heat_capacity(spins, T)
        assert abs(c - exact["c"]) < 4 * ising.bootstrap_error(e, lambda x: 16 / T ** 2 * np.var(x))


@pytest.mark.parametrize("L", [2, 3])
def test_wolff_is_exact_on_the_smallest_and_on_an_odd_lattice(L):
    # L = 2: every pair of neighbours is joined by two bonds (right and left are one site);
    # L = 3: an odd torus, where the checkerboard of Metropolis does not exist
    for T in (1.5, 3.0):
        exact = _exact(L, T)
        spins = ising.sample(L, T, 3000, algorithm="wolff", seed=5, chains=3000)
        e, m = ising.energy(spins), ising.abs_magnetization(spins)
        assert abs(e.mean() - exact["e"]) < 4 * e.std() / math.sqrt(e.size)
        assert abs(m.mean() - exact["m"]) < 4 * m.std() / math.sqrt(m.size)


def test_L16_far_below_Tc_matches_onsager():
    # at T = 1.5 the correlation length is below one lattice spacing, so the 16 x 16 torus
    # differs from the infinite lattice by ~exp(-L / xi), far below these error bars (a run
    # of 25,600 configurations agreed with Onsager to 1e-4 in |m| and 3e-4 in e)
    T = 1.5
    spins, info = ising.sample(16, T, 2048, seed=2, return_info=True)
    assert info["algorithm"] == "wolff" and info["chains"] == 256
    m, e = ising.abs_magnetization(spins), ising.energy(spins)
    # the output interleaves the chains: as (rounds, chains) each column is one chain's series
    tau_m = ising.integrated_autocorrelation_time(m.reshape(-1, 256))
    tau_e = ising.integrated_autocorrelation_time(e.reshape(-1, 256))
    assert tau_m < 1 and tau_e < 1  # the thinning left nearly independent configurations
    error = lambda x, tau: x.std() * math.sqrt(2 * tau / x.size)  # noqa: E731
    assert abs(m.mean() - float(ising.onsager_magnetization(T))) < 4 * error(m, tau_m)
    assert abs(e.mean() - float(ising.onsager_energy(T))) < 4 * error(e, tau_e)


def test_one_wolff_chain_visits_both_signs_and_one_metropolis_chain_does_not():
    # one chain, so the signs cannot come from the random starts of many chains
    m_wolff = ising.magnetization(ising.sample(8, 1.8, 400, algorithm="wolff", seed=0, chains=1))
    assert 0.3 < np.mean(m_wolff > 0) < 0.7
    assert np.all(np.abs(m_wolff) > 0.4)  # ordered configurations, yet of both signs
    m_metropolis = ising.magnetization(ising.sample(8, 1.8, 400, algorithm="metropolis", seed=0, chains=1))
    assert np.mean(m_metropolis > 0) in (0.0, 1.0)  # a local move crosses the barrier too rarely


def test_auto_chooses_wolff_near_and_below_Tc_and_metropolis_well_above():
    chosen = {T: ising.sample(6, T, 4, seed=0, return_info=True)[1]["algorithm"] for T in (1.5, TC, 2.39, 2.4, 3.0)}
    assert chosen == {1.5: "wolff", TC: "wolff", 2.39: "wolff", 2.4: "metropolis", 3.0: "metropolis"}
    for L in (2, 4, 5):  # no checkerboard on an odd L; stripe traps on L <= 4 (metropolis_sweeps)
        assert ising.sample(L, 3.0, 4, return_info=True)[1]["algorithm"] == "wolff"


def test_sample_info_and_shapes():
    spins, info = ising.sample(6, 2.6, 37, algorithm="metropolis", seed=0, chains=10, return_info=True)
    assert spins.shape == (37, 6, 6) and spins.dtype == np.int8
    assert set(np.unique(spins)) == {-1, 1}
    assert info["chains"] == 10 and info["step"] == "sweep" and info["mean_cluster_size"] is None
    assert info["thinning"] == max(1, math.ceil(2 * info["tau"]))
    assert info["burn_in"] >= max(100, 20 * info["tau"])
    # 4 rounds of 10 chains, each after `thinning` steps, all after the burn-in
    assert info["steps_run"] >= info["burn_in"] + 4 * info["thinning"]
    assert info["seconds"] > 0
    _, wolff = ising.sample(6, 2.0, 8, algorithm="wolff", seed=0, return_info=True)
    assert wolff["step"] == "cluster flip" and 1 <= wolff["mean_cluster_size"] <= 36


# --- autocorrelation ----------------------------------------------------------------------------


def _ar1(a: float, t: int, chains: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.empty((t, chains))
    x[0] = rng.normal(size=chains) / math.sqrt(1 - a * a)  # start in the stationary law
    noise = rng.normal(size=(t, chains))
    for i in range(1, t):
        x[i] = a * x[i - 1] + noise[i]
    return x


@pytest.mark.parametrize("a", [0.5, 0.9])
def test_autocorrelation_time_of_an_ar1_series(a):
    x = _ar1(a, 20000, 4, seed=0)
    exact = (1 + a) / (2 * (1 - a))  # rho(t) = a^t summed: 1/2 + a / (1 - a)
    assert ising.integrated_autocorrelation_time(x) == pytest.approx(exact, rel=0.15)
    assert ising.integrated_autocorrelation_time(x[:, 0]) == pytest.approx(exact, rel=0.15)  # one chain, (t,)


def test_autocorrelation_time_of_independent_and_constant_series():
    rng = np.random.default_rng(0)
    assert ising.integrated_autocorrelation_time(rng.normal(size=(5000, 3))) == pytest.approx(0.5, abs=0.1)
    assert ising.integrated_autocorrelation_time(np.ones(100)) == 0.5
    with pytest.raises(ValueError, match="shape"):
        ising.integrated_autocorrelation_time(np.ones((2, 2, 2)))


# --- seeding and arguments ----------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["metropolis", "wolff"])
def test_sample_is_seeded(algorithm):
    a = ising.sample(8, 2.5, 40, algorithm=algorithm, seed=3)
    np.testing.assert_array_equal(a, ising.sample(8, 2.5, 40, algorithm=algorithm, seed=3))
    assert not np.array_equal(a, ising.sample(8, 2.5, 40, algorithm=algorithm, seed=4))


@pytest.mark.parametrize("kwargs, message", [
    (dict(L=1), "L must be an integer >= 2"),
    (dict(L=4.0), "L must be an integer >= 2"),
    (dict(T=0.0), "T must be a positive finite number"),
    (dict(T=-2.0), "T must be a positive finite number"),
    (dict(T=float("nan")), "T must be a positive finite number"),
    (dict(T=float("inf")), "T must be a positive finite number"),
    (dict(n=0), "n must be a positive integer"),
    (dict(algorithm="glauber"), "unknown algorithm 'glauber': use one of metropolis, wolff, auto"),
    (dict(chains=0), "chains must be an integer >= 1"),
])
def test_sample_rejects_bad_arguments(kwargs, message):
    args = dict(L=4, T=2.0, n=5) | kwargs
    with pytest.raises(ValueError, match=message):
        ising.sample(**args)


# --- data sets -----------------------------------------------------------------------------------


def test_dataset_layout_and_independent_temperatures():
    data = ising.dataset(6, [1.5, 3.0], 20, seed=1)
    assert data["spins"].shape == (40, 6, 6) and data["spins"].dtype == np.int8
    np.testing.assert_array_equal(data["labels"], np.repeat([0, 1], 20))
    assert data["labels"].dtype == np.int32 and data["temperatures"].dtype == np.float64
    assert list(data["algorithms"]) == ["wolff", "metropolis"]
    assert data["tau"].shape == data["burn_in"].shape == data["thinning"].shape == (2,)
    # temperature index 1 is seeded by (seed, 1) whatever temperature 0 is
    other = ising.dataset(6, [2.0, 3.0], 20, seed=1)
    np.testing.assert_array_equal(other["spins"][20:], data["spins"][20:])
    assert not np.array_equal(other["spins"][:20], data["spins"][:20])


def test_save_and_load_round_trip_in_a_small_file(tmp_path):
    data = ising.dataset(16, [2.0, 3.5], 200, seed=0)
    path = ising.save_dataset(tmp_path / "sub" / "ising.npz", data)
    assert path == tmp_path / "sub" / "ising.npz" and path.is_file()
    assert ising.is_dataset_file(path)
    back = ising.load_dataset(path)
    assert set(back) == set(data)
    for key in data:
        np.testing.assert_array_equal(back[key], data[key])
        assert np.asarray(back[key]).dtype == np.asarray(data[key]).dtype
    assert back["spins"].dtype == np.int8 and isinstance(back["L"], int) and isinstance(back["algorithm"], str)
    # one bit per spin at most (plus a little header): 8 times below int8
    assert path.stat().st_size < data["spins"].size / 8 + 4000


def test_load_dataset_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Ising data set at"):
        ising.load_dataset(tmp_path / "missing.npz")
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    text = tmp_path / "notes.txt"
    text.write_text("not numpy")
    for path in (other, text):
        assert not ising.is_dataset_file(path)
        with pytest.raises(ValueError, match="is not an Ising data set"):
            ising.load_dataset(path)
    assert not ising.is_dataset_file("embedded") and not ising.is_dataset_file(tmp_path)


def test_cached_dataset_loads_without_sampling_again(tmp_path, monkeypatch):
    path = tmp_path / "cache.npz"
    first = ising.cached_dataset(path, 6, [1.5, 3.0], 16, seed=2)
    assert path.is_file()

    def no_sampling(*args, **kwargs):
        raise AssertionError("cached_dataset sampled although the file was there")

    monkeypatch.setattr(ising, "sample", no_sampling)
    second = ising.cached_dataset(path, 6, [1.5, 3.0], 16, seed=2)
    for key in first:
        np.testing.assert_array_equal(second[key], first[key])


@pytest.mark.parametrize("change, name", [
    (dict(L=8), "L"), (dict(temperatures=[1.5, 3.1]), "temperatures"),
    (dict(n_per_temperature=17), "n_per_temperature"), (dict(seed=3), "seed"),
    (dict(algorithm="wolff"), "algorithm"),
])
def test_cached_dataset_refuses_a_file_made_with_other_parameters(tmp_path, change, name):
    path = tmp_path / "cache.npz"
    params = dict(L=6, temperatures=[1.5, 3.0], n_per_temperature=16, seed=2, algorithm="auto")
    ising.cached_dataset(path, **params)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"made with {name}=.*delete the file"):
        ising.cached_dataset(path, **(params | change))
    assert path.read_bytes() == before  # never overwritten


# --- to and from the GAN --------------------------------------------------------------------------


def test_as_images_and_to_spins_round_trip():
    spins = ising.sample(8, 2.5, 10, seed=0)
    images = ising.as_images(spins)
    assert images.shape == (10, 8, 8, 1) and images.dtype == np.float32
    assert set(np.unique(images)) == {-1.0, 1.0}
    np.testing.assert_array_equal(ising.to_spins(images), spins)
    np.testing.assert_array_equal(ising.to_spins(images[..., 0]), spins)


def test_to_spins_thresholds_a_tanh_output_at_zero():
    x = np.array([[[-0.7, -1e-9], [0.0, 0.3]]])
    s = ising.to_spins(x)
    np.testing.assert_array_equal(s, [[[-1, -1], [1, 1]]])  # a tie at 0 gives +1
    assert s.dtype == np.int8
    with pytest.raises(ValueError, match="NaN"):
        ising.to_spins(np.full((1, 2, 2, 1), np.nan))
    with pytest.raises(ValueError, match="shape"):
        ising.to_spins(np.zeros((2, 3, 4)))
