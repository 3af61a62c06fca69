"""The setup every notebook calls: TensorFlow started quietly, and the random generators seeded.

The full ``tensorflow`` wheel looks for CUDA while it loads and logs to the process's
stderr before its own log settings apply, so those lines reach notebook outputs
and terminals even with ``TF_CPP_MIN_LOG_LEVEL`` set. :func:`quiet_tensorflow`
imports TensorFlow with stderr pointed at the null device for that moment only.
:func:`set_seed` seeds Python's, NumPy's and TensorFlow's global generators.
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def _stderr_silenced():
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real file descriptor 2 (some embedded interpreters)
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def quiet_tensorflow(log_level: int = 3, onednn: bool | None = None):
    """Import TensorFlow quietly and return the module.

    Parameters
    ----------
    log_level : value for ``TF_CPP_MIN_LOG_LEVEL`` unless already set
        (2 hides info and warnings, 3 errors too). The default is 3 because TF 2.21's
        graph optimizer logs a harmless "remapper failed" error on the first train step.
    onednn : when not None, set ``TF_ENABLE_ONEDNN_OPTS`` unless already set. It must
        happen before TensorFlow is first imported and changes results only by
        floating-point rounding. None leaves TensorFlow's default.

    Only the import and the device probe are silenced; later errors still show.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", str(log_level))
    if onednn is not None:
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1" if onednn else "0")
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    with _stderr_silenced():
        import tensorflow as tf

        tf.config.list_physical_devices()  # the CUDA probe logs here
    return tf


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and TensorFlow's global random generators (through Keras)."""
    import keras

    keras.utils.set_random_seed(seed)


#: CPU flags (Linux /proc/cpuinfo) of native bfloat16 arithmetic, fastest first.
BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


def cpu_bf16_flags(cpuinfo: str | None = None) -> list[str]:
    """The CPU's native bfloat16 instruction sets, e.g. ``["avx512_bf16"]``; ``[]`` if none or unknown.

    ``mixed_bfloat16`` runs on any CPU, but without these TensorFlow emulates bfloat16
    and a step is slower than in float32. Reads ``/proc/cpuinfo`` (Linux); elsewhere
    it returns ``[]``, which means "not known" rather than "absent".
    """
    if cpuinfo is None:
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as file:
                cpuinfo = file.read()
        except OSError:
            return []
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return [flag for flag in BF16_CPU_FLAGS if flag in flags]
