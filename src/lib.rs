//! runform: running-form analysis from wearable IMU logs.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! [`io`] (files → [`Recording`]) → [`alignment`] (sensor axes → body axes) →
//! [`bouts`] (running vs walking vs standing) → [`events`] (initial contact, toe-off,
//! side per step) → [`metrics`] (cadence, contact, flight, …) → [`report`] (JSON, text,
//! tables). [`analysis`] runs the stages in order; [`simulate`] makes recordings with
//! exact truth for tests and demos.
//!
//! The library never prints: reports go to a writer the caller hands over.
#![warn(missing_docs)]

pub mod alignment;
pub mod analysis;
pub mod bouts;
pub mod dsp;
pub mod error;
pub mod events;
pub mod io;
pub mod metrics;
pub mod recording;
pub mod report;
pub mod simulate;

pub use analysis::AnalysisConfig;
pub use error::{Error, InputError, Problem, Result};
pub use recording::{Axes3, Frame, Placement, Recording, Side, Stream, Warning};
pub use report::Report;
