"""Writes a runform canonical CSV (time, <placement>_<acc|gyr>_<x|y|z>, m/s² and rad/s)
of the two feet as gaitmap's CSV: what pandas writes for a DataFrame with a two-level
column index (sensor, axis), an index of sample numbers, acc in m/s², gyr in deg/s.

    python to_gaitmap.py feet30.csv feet30.gaitmap.csv

runform reads the result with `runform analyze feet30.gaitmap.csv` (204.8 Hz is the
default rate of a file indexed by sample; give --rate-hz for another).
"""

import sys

import numpy as np
import pandas as pd

SENSORS = {"left_foot": "left_sensor", "right_foot": "right_sensor"}
AXES = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]


def main(src: str, dst: str) -> None:
    canonical = pd.read_csv(src)
    columns = {}
    for placement, sensor in SENSORS.items():
        for axis in AXES:
            values = canonical[f"{placement}_{axis}"].to_numpy()
            if axis.startswith("gyr"):
                values = np.rad2deg(values)
            columns[(sensor, axis)] = values
    frame = pd.DataFrame(columns)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["sensor", "axis"])
    frame.to_csv(dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
