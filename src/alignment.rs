//! Sensor axes → body axes: which way is up, and which way is forward.
//!
//! Output signals are in the body frame: `vertical` (+ up), `forward` (+ running
//! direction), `lateral` (+ left), specific force in g (so a sensor at rest reads
//! `vertical = 1`). For [`Frame::Body`] input the axes are taken as declared (x forward,
//! y left, z up). For [`Frame::Sensor`] input, up is the direction of the mean specific
//! force (over any stretch of steady running or standing the mean specific force is
//! gravity), and forward is the horizontal direction in which the specific force varies
//! most (the braking/propulsion axis of the pelvis, the swing axis of a leg); its sign is
//! not known from acceleration alone and `forward_sign_known` says so.

use crate::recording::{Axes3, Frame, STANDARD_GRAVITY_MPS2, Stream};
use nalgebra::{Matrix3, SymmetricEigen, Vector3};
use std::ops::Range;

/// A stream's body-frame axes, as unit vectors in the sensor frame.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyAxes {
    /// Up, in sensor coordinates.
    pub up: Vector3<f64>,
    /// Forward, in sensor coordinates (perpendicular to `up`).
    pub forward: Vector3<f64>,
    /// Left = up × forward.
    pub left: Vector3<f64>,
    /// False when forward may point backward.
    pub forward_sign_known: bool,
}

/// A stream's accelerometer read in its body axes. It holds no samples of its own: each
/// body-frame signal is computed from the stream's samples when it is read, so that a
/// long recording is not held a second time (four `f64` signals would take 2.7 times the
/// stream's own accelerometer).
#[derive(Debug, Clone, PartialEq)]
pub struct Aligned<'a> {
    /// The axes used.
    pub axes: BodyAxes,
    acc_mps2: &'a Axes3,
}

/// One body-frame signal of a stream, specific force in g, computed sample by sample
/// from the stream's accelerometer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signal<'a> {
    acc_mps2: &'a Axes3,
    /// The unit vector projected on, or `None` for the magnitude.
    along: Option<Vector3<f64>>,
}

impl<'a> Aligned<'a> {
    /// The accelerometer of a stream read in `axes`.
    pub fn new(axes: BodyAxes, acc_mps2: &'a Axes3) -> Self {
        Aligned { axes, acc_mps2 }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.acc_mps2.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.acc_mps2.is_empty()
    }

    fn along(&self, along: Option<Vector3<f64>>) -> Signal<'a> {
        Signal {
            acc_mps2: self.acc_mps2,
            along,
        }
    }

    /// Specific force along up, g (1 at rest).
    pub fn vertical_g(&self) -> Signal<'a> {
        self.along(Some(self.axes.up))
    }

    /// Specific force along forward, g.
    pub fn forward_g(&self) -> Signal<'a> {
        self.along(Some(self.axes.forward))
    }

    /// Specific force along left, g.
    pub fn lateral_g(&self) -> Signal<'a> {
        self.along(Some(self.axes.left))
    }

    /// Magnitude of the specific force, g.
    pub fn norm_g(&self) -> Signal<'a> {
        self.along(None)
    }
}

impl Signal<'_> {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.acc_mps2.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.acc_mps2.is_empty()
    }

    /// Sample `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    #[inline]
    pub fn at(&self, i: usize) -> f64 {
        let v = self.acc_mps2.at(i) * (1.0 / STANDARD_GRAVITY_MPS2);
        match &self.along {
            Some(axis) => v.dot(axis),
            None => v.norm(),
        }
    }

    /// Samples `range`, in order.
    pub fn values(&self, range: Range<usize>) -> impl ExactSizeIterator<Item = f64> + '_ {
        range.map(move |i| self.at(i))
    }

    /// Samples `range` as a vector.
    pub fn slice(&self, range: Range<usize>) -> Vec<f64> {
        self.values(range).collect()
    }

    /// Every sample as a vector.
    pub fn to_vec(&self) -> Vec<f64> {
        self.slice(0..self.len())
    }

    /// Mean of samples `range`; 0 when it is empty.
    pub fn mean(&self, range: Range<usize>) -> f64 {
        if range.is_empty() {
            return 0.0;
        }
        let n = range.len();
        self.values(range).sum::<f64>() / n as f64
    }

    /// Means of consecutive blocks of `k` samples (the last block may be shorter): a cheap
    /// decimation by `k` whose boxcar average is the anti-alias filter, enough for reading
    /// rhythms of a few hertz from signals sampled at hundreds.
    pub fn block_mean(&self, k: usize) -> Vec<f64> {
        self.block_mean_over(k, 0..self.len().div_ceil(k.max(1)))
    }

    /// The blocks `blocks` of [`block_mean`](Self::block_mean) alone (block `b` is the
    /// mean of samples `b·k` to `(b + 1)·k`, the last one shorter).
    pub fn block_mean_over(&self, k: usize, blocks: Range<usize>) -> Vec<f64> {
        if k <= 1 {
            return self.slice(blocks.start..blocks.end.min(self.len()));
        }
        blocks
            .map(|b| {
                let (i, j) = (b * k, ((b + 1) * k).min(self.len()));
                self.values(i..j).sum::<f64>() / (j - i) as f64
            })
            .collect()
    }
}

/// Finds the body axes of `stream` and reads its accelerometer in them.
pub fn align(stream: &Stream, frame: Frame) -> Aligned<'_> {
    let axes = match frame {
        Frame::Body => BodyAxes {
            up: Vector3::z(),
            forward: Vector3::x(),
            left: Vector3::y(),
            forward_sign_known: true,
        },
        Frame::Sensor => estimate_axes(stream),
    };
    Aligned::new(axes, &stream.acc_mps2)
}

fn estimate_axes(stream: &Stream) -> BodyAxes {
    let a = &stream.acc_mps2;
    let n = a.len().max(1) as f64;
    let mean = a.iter().fold(Vector3::zeros(), |s, v| s + v) / n;
    let up = mean.try_normalize(1e-9).unwrap_or_else(Vector3::z);
    // Covariance of the horizontal part of the specific force.
    let mut cov = Matrix3::zeros();
    for v in a.iter() {
        let d = v - mean;
        let h = d - up * d.dot(&up);
        cov += h * h.transpose();
    }
    let eig = SymmetricEigen::new(cov);
    let k = eig.eigenvalues.imax();
    let mut forward = eig.eigenvectors.column(k).into_owned();
    forward -= up * forward.dot(&up);
    let forward = forward
        .try_normalize(1e-9)
        .unwrap_or_else(|| any_perpendicular(&up));
    let left = up.cross(&forward);
    BodyAxes {
        up,
        forward,
        left,
        forward_sign_known: false,
    }
}

fn any_perpendicular(v: &Vector3<f64>) -> Vector3<f64> {
    let trial = if v.x.abs() < 0.9 {
        Vector3::x()
    } else {
        Vector3::y()
    };
    (trial - v * trial.dot(v)).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::recording::{Axes3, Placement};

    fn stream(samples: Vec<Vector3<f64>>) -> Stream {
        Stream {
            placement: Placement::Pelvis,
            acc_mps2: Axes3::from_vectors(samples),
            gyr_radps: None,
            mag: None,
        }
    }

    #[test]
    fn finds_up_and_the_varying_horizontal_axis_in_a_tilted_sensor() {
        // body: vertical bounces 1 ± 0.5 g, forward ± 0.3 g; sensor axes: x = up, y = forward, z = left... rotated
        let g = STANDARD_GRAVITY_MPS2;
        let samples: Vec<Vector3<f64>> = (0..1000)
            .map(|i| {
                let t = i as f64 / 100.0;
                // whole periods (3 Hz over 10 s), so the means are exactly gravity
                let w = 2.0 * std::f64::consts::PI * 3.0;
                let (v, f) = (1.0 + 0.5 * (w * t).sin(), 0.3 * (w * t).cos());
                Vector3::new(v, f, 0.0) * g
            })
            .collect();
        let s = stream(samples);
        let al = align(&s, Frame::Sensor);
        assert!(
            (al.axes.up - Vector3::x()).norm() < 1e-3,
            "{:?}",
            al.axes.up
        );
        assert!(al.axes.forward.dot(&Vector3::y()).abs() > 0.999);
        assert!((al.vertical_g().mean(0..1000) - 1.0).abs() < 1e-3);
        assert!(!al.axes.forward_sign_known);
    }

    #[test]
    fn body_frame_is_taken_as_declared() {
        let s = stream(vec![Vector3::new(1.0, 2.0, 9.0); 10]);
        let al = align(&s, Frame::Body);
        assert!((al.forward_g().at(0) * STANDARD_GRAVITY_MPS2 - 1.0).abs() < 1e-6);
        assert!((al.lateral_g().at(0) * STANDARD_GRAVITY_MPS2 - 2.0).abs() < 1e-6);
        let n = (1.0f64 + 4.0 + 81.0).sqrt() / STANDARD_GRAVITY_MPS2;
        assert!((al.norm_g().at(9) - n).abs() < 1e-6);
        assert_eq!(al.vertical_g().slice(2..5).len(), 3);
    }

    #[test]
    fn block_means_over_some_blocks_are_those_blocks_of_all() {
        let stream = stream((0..23).map(|i| Vector3::new(0.0, i as f64, 9.8)).collect());
        let al = align(&stream, Frame::Body);
        for k in [1, 4, 5] {
            let all = al.norm_g().block_mean(k);
            assert_eq!(all.len(), 23usize.div_ceil(k));
            for (a, b) in [(0, all.len()), (1, 3), (2, all.len()), (3, 3)] {
                assert_eq!(
                    al.norm_g().block_mean_over(k, a..b),
                    all[a..b],
                    "k {k}, {a}..{b}"
                );
            }
        }
    }
}
