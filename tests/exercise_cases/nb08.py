"""Test answers for notebook 08's exercise checks (see tests/test_exercises.py).

08.1 is judged on confusion matrices made up here, so that the two digits it asks for
differ; 08.3 and 08.4 use the shipped conditional model, with the right answers measured
in these small contexts (not the notebook's sizes).
"""

import functools
import types

import numpy as np


def _made_up_reports() -> dict:
    from ganlib import metrics

    def report(pairs):  # (asked, seen, how many) -> a ConditionalReport of certain samples
        asked = np.concatenate([np.full(k, a) for a, _, k in pairs])
        seen = np.concatenate([np.full(k, c) for _, c, k in pairs])
        return metrics.conditional_report_from(np.eye(10)[seen], asked)

    model = [(d, d, 40) for d in range(10)] + [(4, 9, 5), (4, 1, 2), (7, 4, 6), (9, 4, 3)]
    real = [(d, d, 25) for d in range(10)] + [(4, 9, 2), (9, 4, 1)]
    return {"report": report(model), "real_report": report(real)}


@functools.cache
def _shipped() -> dict:
    import ganlib

    ganlib.quiet_tensorflow(onednn=True)
    return {"generator": ganlib.load_pretrained_conditional(), "classifier": ganlib.load_classifier()}


def _run_context() -> dict:
    shipped = _shipped()
    # a stand-in for the notebook's tiny run: the judge reads run.state.sampler and run.steps
    run = types.SimpleNamespace(state=types.SimpleNamespace(sampler=shipped["generator"]), steps=3900)
    return {"run": run, "classifier": shipped["classifier"], "seed": 0}


def _style_context() -> dict:
    from ganlib import explore

    return {"generator": _shipped()["generator"], "measure": explore.ink, "columns": 20, "seed": 0}


CASES = {
    "08.1": dict(right=(9, 7, 2),
                 wrong=[(1, 7, 2), (9, 9, 2), (9, 7, 5), (4, 7, 2), ("nine", 7, 2)],
                 expected=[9, 7, 2],
                 context=_made_up_reports),
    "08.2": dict(right=(0.1, 10.0),
                 wrong=[(0.5, 10.0), (0.1, 1.0), (1.0, 1.0), (0.1, "ten")],
                 expected=[0.1, 10.0]),
    "08.3": dict(right=(0.956, 10),
                 wrong=[(0.5, 10), (0.956, 3), (0.956, 11), (0.1, 1)],
                 expected=[0.956, 10],
                 context=_run_context),
    "08.4": dict(right=(0.567, 10),
                 wrong=[(-0.567, 10), (0.567, 3), (2.0, 10), (0.1, -1)],
                 expected=[0.567, 10],
                 context=_style_context),
}
