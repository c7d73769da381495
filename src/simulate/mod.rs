//! The running simulator (being written).
