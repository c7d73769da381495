//! Layer 3 for a long run: events search a bout longer than `EventConfig::piece_s` piece
//! by piece, to keep their working signals bounded. The pieces must find the contacts
//! that one search over the whole bout finds, for every placement's method, with no step
//! lost or counted twice at the seams.

use runform::alignment::{Aligned, align};
use runform::events::{EventConfig, StreamContacts};
use runform::simulate::{SimConfig, simulate};
use runform::{AnalysisConfig, Placement};

fn contacts(config: &EventConfig, sim: &runform::simulate::Simulation) -> Vec<StreamContacts> {
    let recording = &sim.recording;
    let aligned: Vec<Aligned> = recording
        .streams
        .iter()
        .map(|s| align(s, recording.frame))
        .collect();
    let bouts = AnalysisConfig::default().bouts.process(recording, &aligned);
    config.process(recording, &aligned, &bouts).unwrap()
}

#[test]
fn pieces_find_the_contacts_of_one_search_over_the_bout() {
    // 4 minutes of running in 45-s pieces: five seams per stream
    let sim = simulate(&SimConfig {
        seed: 11,
        duration_s: 240.0,
        placements: vec![
            Placement::LeftFoot,
            Placement::RightFoot,
            Placement::LeftShank,
            Placement::Pelvis,
            Placement::Trunk,
            Placement::LeftWrist,
        ],
        ..SimConfig::default()
    })
    .unwrap();
    let whole = contacts(
        &EventConfig {
            piece_s: f64::INFINITY,
            ..EventConfig::default()
        },
        &sim,
    );
    let pieces = contacts(
        &EventConfig {
            piece_s: 45.0,
            ..EventConfig::default()
        },
        &sim,
    );
    let sample_s = 1.0 / sim.recording.rate_hz;
    for (w, p) in whole.iter().zip(&pieces) {
        assert_eq!(w.placement, p.placement);
        assert!(
            w.contacts.len() > 300,
            "{}: {}",
            w.placement,
            w.contacts.len()
        );
        assert_eq!(
            w.contacts.len(),
            p.contacts.len(),
            "{}: as many contacts",
            w.placement
        );
        // the same contacts; where a piece's statistics differ from the bout's (its own
        // impact axis, say) a contact may move by a sample
        let mut moved = 0;
        for (a, b) in w.contacts.iter().zip(&p.contacts) {
            let d = (a.initial_contact_s - b.initial_contact_s).abs();
            assert!(d <= 1.01 * sample_s, "{}: {a:?} vs {b:?}", w.placement);
            let to = match (a.toe_off_s, b.toe_off_s) {
                (Some(x), Some(y)) => (x - y).abs(),
                (None, None) => 0.0,
                _ => f64::INFINITY,
            };
            assert!(to <= 1.01 * sample_s, "{}: {a:?} vs {b:?}", w.placement);
            assert_eq!((a.side, a.bout), (b.side, b.bout));
            if d > 1e-9 || to > 1e-9 {
                moved += 1;
            }
        }
        eprintln!(
            "{}: {} contacts, {moved} moved by a sample",
            w.placement,
            w.contacts.len()
        );
        assert!(
            moved * 100 <= w.contacts.len(),
            "{}: {moved} moved",
            w.placement
        );
    }
}
