"""ganlib: the shared, tested code of the GAN notebook series.

The public API is listed in ``_EXPORTS`` below. Submodules are imported when a name
is first used, so ``import ganlib`` (and ``python -m ganlib --help``) stays instant
and does not start TensorFlow; nothing is seeded, configured or downloaded on import.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "config": ["DCGANConfig", "PRESETS", "get_preset"],
    "data": ["load_mnist", "make_dataset", "DataSourceError"],
    "models": ["make_generator", "make_discriminator", "make_conditional_generator",
               "make_conditional_discriminator", "generate_images", "layer_table", "latent_dim_of",
               "num_classes_of", "cycling_labels", "make_infogan_generator", "make_infogan_discriminator",
               "info_codes_of"],
    "losses": [
        "minimax_discriminator_loss",
        "non_saturating_discriminator_loss",
        "discriminator_loss",
        "minimax_generator_loss",
        "non_saturating_generator_loss",
        "generator_loss",
        "r1_penalty",
        "information_loss",
    ],
    "training": ["build_gan", "make_train_step", "train", "GANState", "TrainResult"],
    "runfolder": ["read_history"],
    "checkpoints": ["CheckpointError", "restore_checkpoint", "load_generator", "load_config"],
    "latent": ["sample_latent", "lecture_moments", "mean_direction", "std_profile", "interpolate"],
    "runtime": ["quiet_tensorflow", "set_seed"],
    "classifier": ["train_classifier", "reference_digits", "predict_proba"],
    "metrics": [
        "classifier_score",
        "frechet_distance",
        "coverage",
        "confident_fraction",
        "digit_histogram",
        "evaluate_images",
        "evaluate_generator",
        "quality_probe",
        "conditional_report",
        "conditional_report_from",
        "ConditionalReport",
    ],
    "parzen": ["unit_pixels", "parzen_log_densities", "parzen_log_likelihood", "select_parzen_sigma"],
    "toy": ["GaussianMixture", "ToyGANConfig", "train_toy_gan", "optimal_discriminator", "js_divergence",
            "count_modes"],
    "dirac": ["gradient_field", "update_jacobian", "update_eigenvalues", "finite_difference_jacobian",
              "spectral_radius"],
    "exercises": [],  # ganlib.exercises.check(...) in the check cells
    "explore": ["LatentPool", "latent_pool", "find_digit_latents", "most_confident", "sweep_images",
                "attribute_direction", "ink", "paired_bootstrap", "digit_rows", "digit_row_inputs"],
    "widgets": ["latent_explorer", "interpolation_explorer", "conditional_explorer", "explorer_png",
                "interpolation_png", "conditional_png", "code_explorer", "code_png"],
    "infogan": [],  # InfoGAN's codes (notebook 09): ganlib.infogan.sample(...), code_digit_match(...)
    "pretrained": ["load_pretrained", "load_pretrained_conditional", "load_pretrained_ising",
                   "load_pretrained_infogan", "load_classifier",
                   "classifier_info"],
    "ising": [],  # the 2-D Ising model by Monte Carlo: ganlib.ising.sample(...), energy, magnetization, ...
    "ising_gan": [],  # a conditional GAN as its sampler: ganlib.ising_gan.generate_spins(...) (notebook 10)
    "plotting": ["image_grid", "show_grid", "label_grid", "save_grid", "grid_png_bytes", "save_gif", "plot_losses"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _EXPORTS:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ganlib' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_EXPORTS))
