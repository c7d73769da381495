"""Remakes butterworth.json: SciPy's Butterworth SOS and sosfiltfilt output, the
reference runform's dsp::filter is tested against. Run: python3 make_butterworth.py"""
import json
import numpy as np
import scipy
from scipy import signal

rng = np.random.default_rng(7)
x = np.sin(2 * np.pi * 3 * np.arange(400) / 200) + 0.5 * rng.standard_normal(400) + 0.3
out = {"scipy_version": scipy.__version__, "rate_hz": 200.0, "input": x.round(12).tolist(), "cases": []}
for order, cut, btype in [(2, 10.0, "low"), (4, 20.0, "low"), (4, 0.5, "high"), (2, 1.0, "high")]:
    sos = signal.butter(order, cut, btype=btype, fs=200.0, output="sos")
    y = signal.sosfiltfilt(sos, x)
    out["cases"].append({"order": order, "cutoff_hz": cut, "kind": btype, "sos": sos.tolist(), "filtfilt": y.tolist()})
json.dump(out, open("butterworth.json", "w"))
