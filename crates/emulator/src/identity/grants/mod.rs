//! The token endpoint's grants, one module each, and what redeeming any of them shares.

pub mod authorization_code;
pub mod device_code;
pub mod refresh_token;

use super::{aad_error, TenantRef};
use crate::http::{form_get, Resp};
use crate::state::{User, World};
use crate::App;

/// A token request past the checks every grant shares: its form, its (known) client and the
/// tenant named in the path.
pub struct Redeem<'a> {
    pub app: &'a App,
    pub form: &'a [(String, String)],
    pub client_id: &'a str,
    pub tenant_ref: TenantRef,
}

impl Redeem<'_> {
    fn field(&self, name: &str) -> Option<&str> {
        form_get(self.form, name)
    }

    /// An `invalid_grant` error (400) with its AADSTS code.
    fn invalid_grant(&self, code: u32, message: &str) -> Resp {
        aad_error(self.app, 400, "invalid_grant", code, message)
    }

    /// A grant redeems only for the client it was issued to; `what` names the grant.
    fn issued_to_caller(&self, issued_to: &str, what: &str) -> Result<(), Resp> {
        if issued_to == self.client_id {
            Ok(())
        } else {
            Err(self.invalid_grant(70000, &format!("{what} was issued to another client.")))
        }
    }

    /// The user a grant was issued to, who may have been deleted since.
    fn user(&self, world: &World, object_id: &str) -> Result<User, Resp> {
        world
            .user_by_oid(object_id)
            .cloned()
            .ok_or_else(|| self.invalid_grant(50034, "The user account does not exist."))
    }
}
