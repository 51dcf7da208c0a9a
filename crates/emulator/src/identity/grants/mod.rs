//! The token endpoint's grants, one module each.

pub mod authorization_code;
pub mod device_code;
pub mod refresh_token;
