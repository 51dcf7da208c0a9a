//! `pfrm-core`: everything the desktop shell and the CLI share.
//!
//! This crate never depends on Tauri, clap or any UI concern: the shell and the CLI are thin
//! layers that parse input, call into this crate and map its [`Error`] to their medium.

pub mod app_info;
pub mod auth;
pub mod azure;
pub mod bindings;
pub mod cloud;
pub mod connection;
pub mod diagnosis;
pub mod error;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod links;
pub mod log_filter;
pub mod migration;
pub mod model;
pub mod naming;
pub mod ops;
pub mod preflight;
pub mod redact;
pub mod secret;
pub mod services;
pub mod settings;
pub mod startup;
pub mod user_files;

pub use error::{Error, ErrorCode, Result};
