"""gaitmap's documented foot pipeline on a gaitmap CSV of two foot IMUs, timed.

    python gaitmap_pipeline.py feet30.gaitmap.csv [rate_hz]

Steps, as gaitmap's own full-pipeline example runs them: gravity alignment,
conversion to the foot body frame, Barth DTW stride segmentation, Rampp event
detection, stride-level trajectory, temporal and spatial parameters. Prints the time
of reading the CSV and of each step, and the number of strides found per foot.
"""

import sys
import time

import pandas as pd
from gaitmap.event_detection import RamppEventDetection
from gaitmap.parameters import SpatialParameterCalculation, TemporalParameterCalculation
from gaitmap.preprocessing import sensor_alignment
from gaitmap.stride_segmentation import BarthDtw
from gaitmap.trajectory_reconstruction import StrideLevelTrajectory
from gaitmap.utils.coordinate_conversion import convert_to_fbf


def main(path: str, rate_hz: float) -> None:
    laps = []
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        laps.append((name, now - clock))
        clock = now

    data = pd.read_csv(path, header=[0, 1], index_col=0)
    lap("read_csv")
    data = sensor_alignment.align_dataset_to_gravity(data, rate_hz)
    lap("gravity_alignment")
    bf_data = convert_to_fbf(data, left_like="left_", right_like="right_")
    lap("to_foot_body_frame")
    dtw = BarthDtw().segment(data=bf_data, sampling_rate_hz=rate_hz)
    lap("barth_dtw")
    ed = RamppEventDetection().detect(
        data=bf_data, stride_list=dtw.stride_list_, sampling_rate_hz=rate_hz
    )
    lap("rampp_events")
    trajectory = StrideLevelTrajectory().estimate(
        data=data, stride_event_list=ed.min_vel_event_list_, sampling_rate_hz=rate_hz
    )
    lap("stride_trajectory")
    temporal = TemporalParameterCalculation().calculate(
        stride_event_list=ed.min_vel_event_list_, sampling_rate_hz=rate_hz
    )
    lap("temporal_parameters")
    spatial = SpatialParameterCalculation().calculate(
        stride_event_list=ed.min_vel_event_list_,
        positions=trajectory.position_,
        orientations=trajectory.orientation_,
        sampling_rate_hz=rate_hz,
    )
    lap("spatial_parameters")

    for name, seconds in laps:
        print(f"{name:<22} {seconds:9.2f} s")
    print(f"{'total':<22} {sum(s for _, s in laps):9.2f} s")
    for sensor, strides in ed.min_vel_event_list_.items():
        params = temporal.parameters_[sensor].join(
            spatial.parameters_[sensor], rsuffix="_spatial"
        )
        print(
            f"{sensor}: {len(dtw.stride_list_[sensor])} DTW strides, {len(strides)} with events; "
            f"median stride time {params['stride_time'].median():.3f} s, "
            f"median stride length {params['stride_length'].median():.2f} m"
        )


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 204.8)
