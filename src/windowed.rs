//! Long recordings in bounded memory: analysed window by window, the windows' reports merged into one.
pub mod merge;
pub use merge::{Part, merge};
