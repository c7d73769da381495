//! Left or right, for contacts seen by a sensor on the pelvis or trunk.
//!
//! Physics: in stance the foot is beside the centre of mass, so the ground's reaction
//! pushes the body sideways, away from the stance foot: during a left stance the pelvis
//! accelerates to the right (negative `lateral_g`, +y = left), during a right stance to
//! the left. Steps alternate, so each run of consecutive steps gets the one of its two
//! possible labellings that agrees best with the sideways accelerations.
//!
//! In the sensor frame the horizontal axes are not known: the lateral one is the main
//! axis of the step-to-step differences of each stance's horizontal force (sideways
//! pushes alternate, braking and propulsion repeat), and its sign is fixed by braking:
//! right after initial contact the body decelerates, so the forward specific force just
//! after contact is below its stride mean.

use super::Contact;
use crate::alignment::Aligned;
use crate::recording::{Side, nearest_sample};

/// Time after initial contact over which braking is read, s.
const BRAKING_WINDOW_S: f64 = 0.05;

/// Labels `contacts` (one sensor's, in time order) left/right in place. `rate_hz` and
/// `start_s` map times to samples of `aligned`. Contacts stay `Unknown` where a run of
/// steps is too short (fewer than 4) or its sideways pattern too weak to read.
pub fn assign_sides(contacts: &mut [Contact], aligned: &Aligned, rate_hz: f64, start_s: f64) {
    let n = aligned.len();
    let index = |t: f64| (nearest_sample((t - start_s) * rate_hz).max(0) as usize).min(n);
    let (forward_g, lateral_g) = (aligned.forward_g(), aligned.lateral_g());
    // each stance's mean horizontal specific force (initial contact to toe-off, or the
    // first 60% of the step when toe-off is unknown), as (forward, lateral)
    let stance: Vec<(f64, f64)> = (0..contacts.len())
        .map(|k| {
            let c = &contacts[k];
            let end = c.toe_off_s.unwrap_or_else(|| {
                let next = contacts
                    .get(k + 1)
                    .map_or(c.initial_contact_s + 0.3, |n| n.initial_contact_s);
                c.initial_contact_s + 0.6 * (next - c.initial_contact_s).clamp(0.15, 0.6)
            });
            let (i, j) = (index(c.initial_contact_s), index(end));
            (forward_g.mean(i..j), lateral_g.mean(i..j))
        })
        .collect();
    // The lateral direction in the horizontal plane, as (forward, lateral) weights.
    let lateral_dir = if aligned.axes.forward_sign_known {
        (0.0, 1.0)
    } else {
        // Sideways pushes alternate step by step, braking and propulsion repeat every
        // step: the lateral axis is the main axis of the step-to-step differences.
        let (mut sff, mut sfl, mut sll) = (0.0, 0.0, 0.0);
        for k in 1..contacts.len() {
            if contacts[k].bout == contacts[k - 1].bout && consecutive(contacts, k) {
                let (df, dl) = (stance[k].0 - stance[k - 1].0, stance[k].1 - stance[k - 1].1);
                sff += df * df;
                sfl += df * dl;
                sll += dl * dl;
            }
        }
        let angle = 0.5 * (2.0 * sfl).atan2(sff - sll);
        let (mut ef, mut el) = (angle.cos(), angle.sin());
        // forward = left × up, i.e. (el, -ef) in (forward, lateral) weights; it must
        // read braking (below its stride mean) just after contact
        let overall_f = forward_g.mean(0..n);
        let overall_l = lateral_g.mean(0..n);
        let braking = contacts
            .iter()
            .map(|c| {
                let (i, j) = (
                    index(c.initial_contact_s),
                    index(c.initial_contact_s + BRAKING_WINDOW_S),
                );
                el * (forward_g.mean(i..j) - overall_f) - ef * (lateral_g.mean(i..j) - overall_l)
            })
            .sum::<f64>()
            / contacts.len().max(1) as f64;
        if braking > 0.0 {
            (ef, el) = (-ef, -el);
        }
        (ef, el)
    };
    let stance: Vec<f64> = stance
        .iter()
        .map(|(f, l)| f * lateral_dir.0 + l * lateral_dir.1)
        .collect();
    // runs of consecutive steps: same bout, no missed step between them
    let mut start = 0;
    while start < contacts.len() {
        let mut end = start + 1;
        while end < contacts.len()
            && contacts[end].bout == contacts[start].bout
            && consecutive(contacts, end)
        {
            end += 1;
        }
        label_run(&mut contacts[start..end], &stance[start..end]);
        start = end;
    }
}

/// True when contact `k` follows `k - 1` by about one step (not a missed step).
fn consecutive(contacts: &[Contact], k: usize) -> bool {
    let d = contacts[k].initial_contact_s - contacts[k - 1].initial_contact_s;
    let prev = if k >= 2 {
        contacts[k - 1].initial_contact_s - contacts[k - 2].initial_contact_s
    } else {
        d
    };
    d > 0.15 && d < 1.0 && d < 1.5 * prev.max(0.15)
}

fn label_run(run: &mut [Contact], stance: &[f64]) {
    if run.len() < 4 {
        return;
    }
    // score > 0: even steps push leftward (+y), i.e. they are right stances
    let score: f64 = stance
        .iter()
        .enumerate()
        .map(|(k, s)| if k % 2 == 0 { *s } else { -s })
        .sum::<f64>()
        / run.len() as f64;
    if score.abs() < 0.01 {
        return;
    }
    let (even, odd) = if score > 0.0 {
        (Side::Right, Side::Left)
    } else {
        (Side::Left, Side::Right)
    };
    for (k, c) in run.iter_mut().enumerate() {
        c.side = if k % 2 == 0 { even } else { odd };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alignment::BodyAxes;
    use crate::bouts::Activity;
    use crate::recording::{Axes3, STANDARD_GRAVITY_MPS2};
    use nalgebra::Vector3;

    /// An accelerometer reading `forward` and `lateral` (g) on x and y, gravity on z.
    fn acc(lateral: Vec<f64>, forward: Vec<f64>) -> Axes3 {
        let g = STANDARD_GRAVITY_MPS2;
        Axes3::from_vectors(
            lateral
                .iter()
                .zip(&forward)
                .map(|(l, f)| Vector3::new(f * g, l * g, g)),
        )
    }

    fn aligned(acc: &Axes3, sign_known: bool) -> Aligned<'_> {
        let axes = BodyAxes {
            up: Vector3::z(),
            forward: Vector3::x(),
            left: Vector3::y(),
            forward_sign_known: sign_known,
        };
        Aligned::new(axes, acc)
    }

    fn contacts(n: usize, step_s: f64) -> Vec<Contact> {
        (0..n)
            .map(|k| Contact {
                side: Side::Unknown,
                initial_contact_s: k as f64 * step_s,
                toe_off_s: Some(k as f64 * step_s + 0.2),
                activity: Activity::Running,
                bout: 0,
            })
            .collect()
    }

    /// 100 Hz, steps every 0.3 s; the first step is a left stance (pushes right: -0.3 g),
    /// the forward force dips 0.5 g for 50 ms after each contact.
    fn signals(n_steps: usize, flip: f64) -> (Vec<f64>, Vec<f64>) {
        let n = n_steps * 30;
        let lateral = (0..n)
            .map(|i| if (i / 30) % 2 == 0 { -0.3 } else { 0.3 } * flip)
            .collect();
        let forward = (0..n)
            .map(|i| if i % 30 < 5 { -0.5 } else { 0.1 } * flip)
            .collect();
        (lateral, forward)
    }

    #[test]
    fn stance_pushing_right_is_a_left_step() {
        let (lat, fwd) = signals(10, 1.0);
        let mut c = contacts(10, 0.3);
        assign_sides(&mut c, &aligned(&acc(lat, fwd), true), 100.0, 0.0);
        assert_eq!(c[0].side, Side::Left);
        assert_eq!(c[1].side, Side::Right);
        assert_eq!(c[9].side, Side::Right);
    }

    #[test]
    fn a_backward_axis_is_turned_round_by_braking() {
        // the sensor's forward points backward: every sign flipped
        let (lat, fwd) = signals(10, -1.0);
        let mut c = contacts(10, 0.3);
        assign_sides(&mut c, &aligned(&acc(lat, fwd), false), 100.0, 0.0);
        assert_eq!(c[0].side, Side::Left);
    }

    #[test]
    fn short_runs_stay_unknown() {
        let (lat, fwd) = signals(3, 1.0);
        let mut c = contacts(3, 0.3);
        assign_sides(&mut c, &aligned(&acc(lat, fwd), true), 100.0, 0.0);
        assert!(c.iter().all(|c| c.side == Side::Unknown));
    }
}
