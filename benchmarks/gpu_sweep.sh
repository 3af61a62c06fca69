#!/usr/bin/env bash
# Run every recipe of gpu_recipe_sweep.py at once on one GPU, then gather the results
# into $OUT: summary.json, progress.jsonl, and the best snapshot's weights of the top
# four recipes. Usage, on the GPU machine (Keras, namex and optree carried there as
# wheels, see /work/.library/device/README.md; gpu_data/embedded.npz written here first
# with `python benchmarks/gpu_recipe_sweep.py --export gpu_data/embedded.npz`):
#   SECONDS_PER_RECIPE=380 RECIPES="base r1" bash benchmarks/gpu_sweep.sh
set -u
OUT=${OUT:-runs/gpu_sweep_out}
WORK=/tmp/sweep
mkdir -p "$OUT" "$WORK"
export KERAS_BACKEND=jax XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 - <<'PY' || exit 1
import jax, keras
print("jax", jax.__version__, jax.devices(), "keras", keras.__version__)
from ganlib.config import get_preset
from ganlib.models import make_generator
import numpy as np
G = make_generator(get_preset("dcgan"))
out, _ = G.stateless_call([v.value for v in G.trainable_variables], [v.value for v in G.non_trainable_variables],
                          np.zeros((2, 100), np.float32), training=True)
print("smoke ok", out.shape)
PY
RECIPES=${RECIPES:-"base ema9999 smooth lr1e4 b128 r1 translate translate_r1 drop5 nodrop_r1"}
for r in $RECIPES; do
  timeout $(( ${SECONDS_PER_RECIPE:-390} + 150 )) python3 benchmarks/gpu_recipe_sweep.py --recipe "$r" \
    --seconds "${SECONDS_PER_RECIPE:-390}" --eval-every "${EVAL_EVERY:-20}" --out "$WORK" > "$WORK/$r.stdout" 2>&1 &
done
( while sleep 30; do cat "$WORK"/*/log.txt > "$OUT/progress.jsonl" 2>/dev/null; done ) &
watcher=$!
wait $(jobs -p | grep -v "^$watcher$") 2>/dev/null
sleep 1; kill $watcher 2>/dev/null
cat "$WORK"/*/log.txt > "$OUT/progress.jsonl" 2>/dev/null
for r in $RECIPES; do echo "== $r"; tail -3 "$WORK/$r.stdout"; done
python3 - "$WORK" "$OUT" <<'PY'
import json, shutil, sys
from pathlib import Path
work, out = Path(sys.argv[1]), Path(sys.argv[2])
results = [json.loads(p.read_text()) for p in sorted(work.glob("*/result.json"))]
(out / "summary.json").write_text(json.dumps(results, indent=1))
ranked = sorted((r for r in results if "best" in r), key=lambda r: -r["best"]["score"])
for r in ranked:
    print(r["recipe"], r["steps"], "steps", {k: {m: round(r[k][m], 3) for m in ("score", "coverage", "confident", "frechet", "frechet_floor")} | {"epoch": r[k]["epoch"]} for k in ("best", "final")})
for r in ranked[:4]:
    shutil.copy(work / r["recipe"] / "best.weights.h5", out / f"{r['recipe']}.best.weights.h5")
PY
