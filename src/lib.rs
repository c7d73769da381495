//! runform: running-form analysis from wearable IMU logs.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! [`io`] (files → [`Recording`]) → [`alignment`] (sensor axes → body axes) →
//! [`bouts`] (running vs walking vs standing) → [`events`] (initial contact, toe-off,
//! side per step) → [`metrics`] (cadence, contact, flight, …) → [`posture`] (trunk and
//! pelvis rotation, pelvic drop, forward lean, from the attitude of [`orientation`]) →
//! [`trajectory`] (foot strike angle, stride length and speed from foot sensors) →
//! [`loading`] (braking, impact, foot strike inferred from the pelvis) →
//! [`oscillation`] (vertical oscillation of the pelvis) → [`symmetry`] (left against
//! right) → [`drift`] (metrics per segment, first third against last) →
//! [`faults`] (form findings with evidence) → [`report`] (JSON, text, tables) → [`plot`]
//! (charts, SVG and PNG) and [`html`] (the self-contained report page).
//! [`analysis`] runs the stages in order; [`simulate`] makes recordings with exact truth
//! for tests and demos. A watch's FIT activity without raw samples takes a shorter path:
//! [`dynamics`] summarises the running dynamics the watch computed.
//!
//! The library never prints: reports go to a writer the caller hands over.
//!
//! ```
//! use runform::simulate::{SimConfig, simulate};
//! use runform::{AnalysisConfig, Frame, Placement};
//!
//! // a minute of a simulated runner at 176 steps/min, sacrum sensor only
//! let config = SimConfig { cadence_spm: 176.0, placements: vec![Placement::Pelvis], ..SimConfig::default() };
//! let sim = simulate(&config)?;
//! assert_eq!(sim.recording.frame, Frame::Body);
//! let report = AnalysisConfig::default().process(&sim.recording)?;
//! let cadence = report.summary.cadence_spm.unwrap();
//! assert!((cadence - sim.truth.summary.cadence_spm.unwrap()).abs() < 1.0);
//! report.write_text(std::io::sink())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

pub mod alignment;
pub mod analysis;
pub mod batch;
pub mod bouts;
pub mod drift;
pub mod dsp;
pub mod dynamics;
pub mod error;
pub mod events;
pub mod faults;
pub mod history;
pub mod html;
pub mod io;
pub mod loading;
pub mod metrics;
pub mod orientation;
pub mod oscillation;
pub mod plot;
pub mod posture;
pub mod reach;
pub mod recording;
pub mod report;
pub mod simulate;
pub mod symmetry;
pub mod trajectory;
pub mod windowed;

pub use analysis::AnalysisConfig;
pub use error::{Error, InputError, Problem, Result};
pub use recording::{Axes3, Frame, Placement, Recording, Side, Stream, Warning};
pub use report::Report;
