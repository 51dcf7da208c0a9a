//! The local Azure. See the crate's README for what it serves.
