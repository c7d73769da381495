//! Trajectory: the path and the pitch of each foot from its own sensor, stride by stride
//! (strapdown integration with a zero-velocity update at every stance): foot-strike angle,
//! stride length, speed and climb.
//!
//! # Frames, axes, signs, units
//! * Input: a foot stream's accelerometer (specific force, m/s², gravity included) and
//!   gyroscope (rad/s) in the sensor's own axes, whatever the mounting; the foot's contacts
//!   (IC and toe-off, s) from [`events`](crate::events).
//! * **Sagittal rate** `ω` (rad/s): the gyroscope along the principal axis of its
//!   variance (a foot turns mostly in its pitch plane), signed so that the foot turns toes
//!   down between flat stance and toe-off; then `ω` = d(pitch)/dt, pitch positive = toes
//!   up, as in the simulator.
//! * **Strike angle** (degrees, positive = toes up, heel first): the sole's pitch at IC
//!   relative to its pitch in flat stance, `−∫ ω dt` from IC to the flat-stance sample
//!   (the least rotation between IC and toe-off), IC taken between samples at the onset
//!   of the impact (`impact_onset`). Pattern per step by the thresholds of
//!   Altman & Davis (2012), configurable: rearfoot above `rearfoot_deg` (8°), forefoot below
//!   `forefoot_deg` (−1.6°), midfoot between.
//! * **Stride** (m, s): from one flat stance to the next of the same foot. The attitude
//!   starts level from the stance's specific force (the foot is still: it reads gravity),
//!   the gyroscope propagates it, the specific force turned into that gravity-aligned frame
//!   minus gravity (the magnitude read at rest) integrates to velocity, and the velocity at
//!   the next stance, which must be zero, is removed as a drift growing linearly over the
//!   stride. The integrated horizontal displacement is the stride length; its vertical part
//!   the climb (positive uphill); stride length over stride time the speed.
//!
//! What the feet cannot tell: where the pelvis is. Double integration gives each sensor's
//! path up to a constant offset, so the landing point ahead of the pelvis (overstride)
//! needs a model tying the two together and is not measured here.

use crate::bouts::Activity;
use crate::events::StreamContacts;
use crate::metrics::StrikePattern;
use crate::orientation::{level, small_rotation};
use crate::recording::{Axes3, Placement, Recording, Segment, Side, TIE_SAMPLES, Vectors};
use nalgebra::{Matrix3, SymmetricEigen, UnitQuaternion, Vector3};
use rayon::prelude::*;

/// Settings of the trajectory stage.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryConfig {
    /// Strikes above this angle are rearfoot, degrees.
    pub rearfoot_deg: f64,
    /// Strikes below this angle are forefoot, degrees.
    pub forefoot_deg: f64,
    /// The gyroscope energy that marks flat stance is averaged over this long, s.
    pub flat_window_s: f64,
    /// Strides shorter than this are not integrated, s.
    pub min_stride_s: f64,
    /// Strides longer than this are not integrated (the drift grows with time), s.
    pub max_stride_s: f64,
    /// Strike angles outside this range, degrees, are failures of the estimate, not
    /// landings (the ankle's range at contact: no sole lands 35° toes-down or 45°
    /// toes-up), and are left empty.
    pub plausible_deg: (f64, f64),
}

impl Default for TrajectoryConfig {
    fn default() -> Self {
        TrajectoryConfig {
            rearfoot_deg: crate::metrics::REARFOOT_DEG,
            forefoot_deg: crate::metrics::FOREFOOT_DEG,
            flat_window_s: 0.03,
            min_stride_s: 0.4,
            max_stride_s: 2.5,
            plausible_deg: (-35.0, 45.0),
        }
    }
}

impl TrajectoryConfig {
    /// The pattern of a strike angle with these thresholds.
    pub fn pattern(&self, angle_deg: f64) -> StrikePattern {
        if angle_deg > self.rearfoot_deg {
            StrikePattern::Rearfoot
        } else if angle_deg < self.forefoot_deg {
            StrikePattern::Forefoot
        } else {
            StrikePattern::Midfoot
        }
    }
}

/// One contact of one foot, with the stride that starts at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FootStride {
    /// The foot sensor.
    pub placement: Placement,
    /// Its side.
    pub side: Side,
    /// Activity of the contact's bout.
    pub activity: Activity,
    /// Initial contact, s.
    pub initial_contact_s: f64,
    /// Strike angle, degrees, positive = toes up.
    pub strike_angle_deg: Option<f64>,
    /// Distance to the same foot's next contact, horizontal, m.
    pub stride_length_m: Option<f64>,
    /// Time from this flat stance to the next, s.
    pub stride_s: Option<f64>,
    /// Height gained over the stride, m (positive uphill).
    pub climb_m: Option<f64>,
}

impl FootStride {
    /// Stride length over stride time, m/s.
    pub fn speed_mps(&self) -> Option<f64> {
        Some(self.stride_length_m? / self.stride_s?)
    }
}

/// Every foot contact with its strike angle and stride, over all foot sensors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trajectory {
    /// In time order per foot, left foot first.
    pub strides: Vec<FootStride>,
    /// Foot sensors that gave strides.
    pub placements: Vec<Placement>,
}

impl TrajectoryConfig {
    /// Strike angles and strides of every foot stream that has a gyroscope.
    pub fn process(&self, recording: &Recording, contacts: &[StreamContacts]) -> Trajectory {
        // each foot on its own core
        let feet: Vec<(Placement, Vec<FootStride>)> = contacts
            .par_iter()
            .filter(|sc| sc.placement.segment() == Segment::Foot)
            .filter_map(|sc| {
                let stream = recording.stream(sc.placement)?;
                let gyr = stream.gyr_radps.as_ref()?;
                Some((
                    sc.placement,
                    self.foot(recording, sc, &stream.acc_mps2, gyr),
                ))
            })
            .collect();
        let mut out = Trajectory::default();
        for (placement, strides) in feet {
            if !strides.is_empty() {
                out.placements.push(placement);
                out.strides.extend(strides);
            }
        }
        out
    }

    fn foot(
        &self,
        recording: &Recording,
        sc: &StreamContacts,
        acc: &Axes3,
        gyr: &Axes3,
    ) -> Vec<FootStride> {
        let rate = recording.rate_hz;
        let dt = 1.0 / rate;
        let n = acc.len().min(gyr.len());
        // the sample at or before an event: events lie between samples (half a sample
        // after the last quiet one, see `events::foot`)
        let idx = |t: f64| ((t - recording.start_s) * rate + TIE_SAMPLES).floor();
        let omega_axis = principal_axis(gyr);
        let flat_window = ((self.flat_window_s * rate).round() as usize).max(1);
        // (ic, flat, to) sample indices per contact
        let spans: Vec<Option<(usize, usize, usize)>> = sc
            .contacts
            .iter()
            .map(|c| {
                let ic = idx(c.initial_contact_s);
                let to = idx(c.toe_off_s?);
                if ic < 0.0 || to as usize >= n || to <= ic + 2.0 {
                    return None;
                }
                let (ic, to) = (ic as usize, to as usize);
                let flat = quietest(gyr, ic, to, flat_window)?;
                Some((ic, flat, to))
            })
            .collect();
        let integral = |axis: &Vector3<f64>, a: usize, b: usize| -> f64 {
            (a..b)
                .map(|i| 0.5 * (gyr.at(i) + gyr.at(i + 1)).dot(axis) * dt)
                .sum()
        };
        // sign: toes turn down from flat stance to toe-off
        let vote: f64 = spans
            .iter()
            .flatten()
            .map(|&(_, flat, to)| integral(&omega_axis, flat, to))
            .sum();
        let axis = if vote > 0.0 { -omega_axis } else { omega_axis };
        let mut out = Vec::with_capacity(sc.contacts.len());
        for (k, c) in sc.contacts.iter().enumerate() {
            let mut fs = FootStride {
                placement: sc.placement,
                side: sc.placement.side(),
                activity: c.activity,
                initial_contact_s: c.initial_contact_s,
                strike_angle_deg: None,
                stride_length_m: None,
                stride_s: None,
                climb_m: None,
            };
            if let Some((ic, flat, _)) = spans[k] {
                // pitch at the impact onset, between samples: the rotation from the
                // sample after the onset to flat stance, plus the part of the interval
                // before it that lies after the onset
                let (after, frac) = impact_onset(acc, ic).unwrap_or((ic, 0.0));
                let head = if after > 0 && after <= flat {
                    frac * integral(&axis, after - 1, after)
                } else {
                    0.0
                };
                let angle_deg = -(integral(&axis, after.min(flat), flat) + head).to_degrees();
                let (lo, hi) = self.plausible_deg;
                fs.strike_angle_deg = (lo..=hi).contains(&angle_deg).then_some(angle_deg);
                let next = spans
                    .get(k + 1)
                    .copied()
                    .flatten()
                    .filter(|_| sc.contacts[k + 1].bout == c.bout)
                    .map(|(_, f, _)| f);
                if let Some(f1) = next {
                    let t = (f1 - flat) as f64 * dt;
                    if (self.min_stride_s..=self.max_stride_s).contains(&t) {
                        let d = strapdown(acc, gyr, flat, f1, rate);
                        fs.stride_length_m = Some(d.x.hypot(d.y));
                        fs.climb_m = Some(d.z);
                        fs.stride_s = Some(t);
                    }
                }
            }
            out.push(fs);
        }
        out
    }
}

/// The onset of the impact near sample `ic`, between two samples: `(j, f)` with the onset
/// at `j − f` samples. The specific force before the onset follows a straight line; after
/// it, the impact adds a force growing with the square of the time since the onset (a
/// shoe stiffening as it compresses; the simulator's contact is of this kind), so the
/// excesses over the line at the first two samples after it, `e1` and `e2`, give the onset
/// `r / (1 − r)` samples before the first, `r = √(e1/e2)`. The first sample is where the
/// second difference of the force first exceeds a third of its largest value near `ic`
/// (an onset early in a sample interval is then placed up to half a sample late).
/// The foot turns fast at contact (up to ~900°/s for a 25° heel strike), so each ms of
/// contact timing is ~1° of strike angle.
fn impact_onset<V: Vectors + ?Sized>(acc: &V, ic: usize) -> Option<(usize, f64)> {
    let lo = ic.checked_sub(4)?;
    let hi = (ic + 6).min(acc.len().checked_sub(2)?);
    if hi <= lo + 3 {
        return None;
    }
    let second = |j: usize| (acc.at(j) - 2.0 * acc.at(j - 1) + acc.at(j - 2)).norm();
    let peak = (lo + 2..=hi).map(second).fold(0.0, f64::max);
    let j = (lo + 2..=hi).find(|&j| second(j) > peak / 3.0)?;
    let slope = acc.at(j - 1) - acc.at(j - 2);
    let e1 = (acc.at(j) - (acc.at(j - 1) + slope)).norm();
    let e2 = (acc.at(j + 1) - (acc.at(j - 1) + 2.0 * slope)).norm();
    let r = (e1 / e2).sqrt();
    let f = if e2 > e1 {
        (r / (1.0 - r)).min(1.0)
    } else {
        0.0
    };
    Some((j, f))
}

/// The principal axis (largest variance) of a set of vectors; `x` when empty.
fn principal_axis(v: &Axes3) -> Vector3<f64> {
    if v.is_empty() {
        return Vector3::x();
    }
    let mean = v.iter().fold(Vector3::zeros(), |s, x| s + x) / v.len() as f64;
    let cov = v.iter().fold(Matrix3::zeros(), |c, x| {
        let d = x - mean;
        c + d * d.transpose()
    });
    let eig = SymmetricEigen::new(cov);
    eig.eigenvectors.column(eig.eigenvalues.imax()).into_owned()
}

/// The sample in `lo..hi` where the gyroscope's energy `|ω|²`, averaged over `w` samples
/// centred on it (fewer at the ends of the stream), is least.
fn quietest(gyr: &Axes3, lo: usize, hi: usize, w: usize) -> Option<usize> {
    let n = gyr.len();
    let hi = hi.min(n);
    if lo >= hi {
        return None;
    }
    // running sums of the energy over the samples the windows cover
    let first = lo.saturating_sub(w / 2);
    let last = (hi - 1 + w / 2 + 1).min(n);
    let mut cum = Vec::with_capacity(last - first + 1);
    cum.push(0.0);
    for j in first..last {
        cum.push(cum[cum.len() - 1] + gyr.at(j).norm_squared());
    }
    let mean = |i: usize| {
        let a = i.saturating_sub(w / 2);
        let b = (i + w / 2 + 1).min(n);
        (cum[b - first] - cum[a - first]) / (b - a) as f64
    };
    (lo..hi).min_by(|&a, &b| mean(a).total_cmp(&mean(b)))
}

/// Displacement from sample `a` to sample `b` of a foot still at both (m, gravity-aligned
/// frame, z up, heading that of the sensor at `a`): strapdown with a linear velocity drift
/// removal so that the velocity is zero at both ends.
///
/// # Panics
/// When `b` is past the end of `acc` or `gyr`.
pub fn strapdown<V: Vectors + ?Sized>(
    acc: &V,
    gyr: &V,
    a: usize,
    b: usize,
    rate_hz: f64,
) -> Vector3<f64> {
    if b <= a {
        return Vector3::zeros();
    }
    let dt = 1.0 / rate_hz;
    let rest = (a.saturating_sub(2)..(a + 3).min(acc.len()))
        .map(|i| acc.at(i))
        .fold(Vector3::zeros(), |s, x| s + x);
    let g = rest.norm() / (a + 3).min(acc.len()).saturating_sub(a.saturating_sub(2)) as f64;
    let mut q: UnitQuaternion<f64> = level(&rest);
    let gravity = Vector3::new(0.0, 0.0, g);
    // one pass: velocity by the trapezoid rule, and the trapezoid integral of it; the
    // drift removed from the velocity, `end · i / (b − a)` at sample `a + i`, integrates
    // to `end · dt · (b − a) / 2`
    let mut world = q * acc.at(a) - gravity;
    let mut w0 = gyr.at(a);
    let mut vel = Vector3::zeros();
    let mut pos = Vector3::zeros();
    for i in a..b {
        let w1 = gyr.at(i + 1);
        q *= small_rotation(&(0.5 * (w0 + w1) * dt));
        let next = q * acc.at(i + 1) - gravity;
        let v = vel + 0.5 * (world + next) * dt;
        pos += 0.5 * (vel + v) * dt;
        (world, w0, vel) = (next, w1, v);
    }
    pos - vel * (0.5 * dt * (b - a) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::STANDARD_GRAVITY_MPS2 as G;

    #[test]
    fn strapdown_of_a_still_sensor_goes_nowhere() {
        let acc = vec![Vector3::new(0.3, -0.2, G); 200];
        let gyr = vec![Vector3::zeros(); 200];
        let d = strapdown(&acc[..], &gyr[..], 10, 190, 100.0);
        assert!(d.norm() < 1e-9, "{d}");
    }

    #[test]
    fn strapdown_follows_a_known_push_and_stop() {
        // still, then 1 s: accelerate forward at 2 m/s² for 0.5 s, decelerate for
        // 0.5 s (0.5 m), then still
        let rate = 1000.0;
        let n = 1201;
        let acc: Vec<Vector3<f64>> = (0..n)
            .map(|i| {
                let t = i as f64 / rate - 0.1;
                let ax = if !(0.0..1.0).contains(&t) {
                    0.0
                } else if t < 0.5 {
                    2.0
                } else {
                    -2.0
                };
                Vector3::new(ax, 0.0, G)
            })
            .collect();
        let gyr = vec![Vector3::zeros(); n];
        let d = strapdown(&acc[..], &gyr[..], 0, n - 1, rate);
        assert!((d.x - 0.5).abs() < 0.01, "{d}");
        assert!(d.y.abs() < 1e-9 && d.z.abs() < 1e-6, "{d}");
    }

    /// The quietest sample by running sums over the wanted span only, against the
    /// centred mean computed sample by sample over the whole stream.
    #[test]
    fn quietest_matches_the_centred_mean_of_the_whole_stream() {
        let gyr = Axes3::from_vectors((0..300).map(|i| {
            let t = i as f64 * 0.37;
            Vector3::new(t.sin() * 3.0, (1.7 * t).cos(), 0.2 * (0.3 * t).sin())
        }));
        let n = gyr.len();
        for (lo, hi, w) in [
            (0, 40, 9),
            (100, 180, 9),
            (250, 300, 20),
            (5, 6, 1),
            (290, 400, 31),
        ] {
            let mean = |i: usize| {
                let (a, b) = (i.saturating_sub(w / 2), (i + w / 2 + 1).min(n));
                (a..b).map(|j| gyr.at(j).norm_squared()).sum::<f64>() / (b - a) as f64
            };
            let want = (lo..hi.min(n)).min_by(|&a, &b| mean(a).total_cmp(&mean(b)));
            assert_eq!(quietest(&gyr, lo, hi, w), want, "{lo}..{hi} w {w}");
        }
        assert_eq!(quietest(&gyr, 300, 310, 9), None);
    }

    #[test]
    fn impact_onset_is_found_between_samples() {
        // a straight-line force, then a contact force growing with the square of time;
        // an onset early in its sample interval is placed up to half a sample late
        for (onset, tolerance) in [(20.1, 1e-9), (19.15, 1e-9), (20.7, 0.35)] {
            let acc: Vec<Vector3<f64>> = (0..40)
                .map(|i| {
                    let t = i as f64;
                    let extra = if t > onset {
                        4.0 * (t - onset).powi(2)
                    } else {
                        0.0
                    };
                    Vector3::new(-5.0 + 0.1 * t, 0.0, 2.0 + extra)
                })
                .collect();
            let (j, f) = impact_onset(&acc[..], 22).unwrap();
            let found = j as f64 - f;
            assert!((found - onset).abs() < tolerance, "{onset}: {j} − {f}");
        }
    }

    #[test]
    fn patterns_follow_the_configured_thresholds() {
        let c = TrajectoryConfig::default();
        assert_eq!(c.pattern(12.0), StrikePattern::Rearfoot);
        assert_eq!(c.pattern(8.0), StrikePattern::Midfoot);
        assert_eq!(c.pattern(-1.6), StrikePattern::Midfoot);
        assert_eq!(c.pattern(-5.0), StrikePattern::Forefoot);
        let strict = TrajectoryConfig {
            rearfoot_deg: 15.0,
            ..c
        };
        assert_eq!(strict.pattern(12.0), StrikePattern::Midfoot);
    }
}
