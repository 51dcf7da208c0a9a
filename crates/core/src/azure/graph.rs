//! Microsoft Graph v1.0: the signed-in user and user lookup by id, UPN or mail.

use serde::{Deserialize, Serialize};

use super::url_with_segments;
use crate::cloud::Audience;
use crate::error::Result;
use crate::http::pager::Pager;
use crate::http::{ApiRequest, Pipeline};

/// Graph API version.
pub const API_VERSION: &str = "v1.0";

const USER_FIELDS: &str = "id,userPrincipalName,displayName,mail";

/// A Graph `user` with the fields pfrm asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GraphUser {
    /// Object id (what role assignments call `principalId`).
    pub id: String,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
    pub mail: Option<String>,
}

/// Client for Graph. Cheap to clone.
#[derive(Debug, Clone)]
pub struct GraphClient {
    pipeline: Pipeline,
}

impl GraphClient {
    pub fn new(pipeline: Pipeline) -> Self {
        GraphClient { pipeline }
    }

    fn request<'a>(
        &self,
        segments: impl IntoIterator<Item = &'a str>,
        operation: impl Into<String>,
    ) -> Result<ApiRequest> {
        let base = &self.pipeline.cloud().graph_endpoint;
        let url = url_with_segments(base, std::iter::once(API_VERSION).chain(segments))?;
        Ok(ApiRequest::get(url, Audience::Graph, operation).query("$select", USER_FIELDS))
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<GraphUser> {
        let request = self.request(["me"], "read your user profile")?;
        self.pipeline.send_json(&request).await
    }

    /// A user by object id or user principal name (guest UPNs with `#EXT#` are encoded).
    pub async fn get_user(&self, id_or_upn: &str) -> Result<GraphUser> {
        let request = self.request(["users", id_or_upn], format!("find user '{id_or_upn}'"))?;
        self.pipeline.send_json(&request).await
    }

    /// Users whose primary mail is `mail` (for people whose email is not their UPN).
    pub async fn find_users_by_mail(&self, mail: &str) -> Result<Vec<GraphUser>> {
        let filter = format!("mail eq '{}'", mail.replace('\'', "''"));
        let request = self
            .request(["users"], format!("find the user with email '{mail}'"))?
            .query("$filter", filter);
        Pager::new(self.pipeline.clone(), request)
            .collect_all()
            .await
    }
}
