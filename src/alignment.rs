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

use crate::recording::{Frame, STANDARD_GRAVITY_MPS2, Stream};
use nalgebra::{Matrix3, SymmetricEigen, Vector3};

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

/// Body-frame accelerations of one stream, in g.
#[derive(Debug, Clone, PartialEq)]
pub struct Aligned {
    /// The axes used.
    pub axes: BodyAxes,
    /// Specific force along up, g (1 at rest).
    pub vertical_g: Vec<f64>,
    /// Specific force along forward, g.
    pub forward_g: Vec<f64>,
    /// Specific force along left, g.
    pub lateral_g: Vec<f64>,
    /// Magnitude of the specific force, g.
    pub norm_g: Vec<f64>,
}

/// Finds the body axes of `stream` and projects its accelerometer onto them.
pub fn align(stream: &Stream, frame: Frame) -> Aligned {
    let axes = match frame {
        Frame::Body => BodyAxes {
            up: Vector3::z(),
            forward: Vector3::x(),
            left: Vector3::y(),
            forward_sign_known: true,
        },
        Frame::Sensor => estimate_axes(stream),
    };
    let a = &stream.acc_mps2;
    let n = a.len();
    let (mut vertical_g, mut forward_g, mut lateral_g, mut norm_g) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let k = 1.0 / STANDARD_GRAVITY_MPS2;
    for i in 0..n {
        let v = a.at(i) * k;
        vertical_g.push(v.dot(&axes.up));
        forward_g.push(v.dot(&axes.forward));
        lateral_g.push(v.dot(&axes.left));
        norm_g.push(v.norm());
    }
    Aligned {
        axes,
        vertical_g,
        forward_g,
        lateral_g,
        norm_g,
    }
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
        let al = align(&stream(samples), Frame::Sensor);
        assert!(
            (al.axes.up - Vector3::x()).norm() < 1e-3,
            "{:?}",
            al.axes.up
        );
        assert!(al.axes.forward.dot(&Vector3::y()).abs() > 0.999);
        assert!((al.vertical_g.iter().sum::<f64>() / 1000.0 - 1.0).abs() < 1e-3);
        assert!(!al.axes.forward_sign_known);
    }

    #[test]
    fn body_frame_is_taken_as_declared() {
        let s = stream(vec![Vector3::new(1.0, 2.0, 9.0); 10]);
        let al = align(&s, Frame::Body);
        assert!((al.forward_g[0] * STANDARD_GRAVITY_MPS2 - 1.0).abs() < 1e-6);
        assert!((al.lateral_g[0] * STANDARD_GRAVITY_MPS2 - 2.0).abs() < 1e-6);
    }
}
