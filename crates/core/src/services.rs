//! Everything needed to act in Azure as one signed-in user: the cloud, the credential, the one
//! pipeline and a client per service. The shell and the CLI build one [`Services`] per active
//! account and hand it to the operations in [`crate::ops`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use azure_core::credentials::TokenCredential;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::azure::arm::ArmClient;
use crate::azure::authorization::AuthorizationClient;
use crate::azure::flow::FlowClient;
use crate::azure::graph::GraphClient;
use crate::azure::registry::RegistryClient;
use crate::azure::WorkspaceRef;
use crate::cloud::CloudConfig;
use crate::error::{Error, ErrorCode, Result};
use crate::http::Pipeline;
use crate::migration::retirement::Clock;
use crate::model::WorkspaceSummary;
use crate::ops::Operations;

/// The signed-in user as Azure identifies them (from the claims of their ARM access token,
/// which is how the prompt flow service identifies them too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub object_id: String,
    pub tenant_id: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// What the welcome screen and the account menu show.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    pub mode: SessionMode,
    /// Who the app acts as (signed in or sandbox).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub me: Option<Me>,
    /// The cloud's display name (`AzureCloud`, ..., or the sandbox's).
    pub cloud: String,
    /// Accounts, keychain state and settings warnings (not for the sandbox).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<crate::auth::SignInStatus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SessionMode {
    SignedOut,
    SignedIn,
    Sandbox,
}

/// Cheap to clone: clones share the clients, caches and operations.
#[derive(Clone)]
pub struct Services {
    cloud: CloudConfig,
    credential: Arc<dyn TokenCredential>,
    pipeline: Pipeline,
    clock: Clock,
    pub arm: ArmClient,
    pub authorization: AuthorizationClient,
    pub graph: GraphClient,
    pub registry: RegistryClient,
    pub operations: Operations,
    known: KnownWorkspaces,
}

/// Workspaces already read by this session, by lower-case ARM id: an operation on a workspace the
/// caller listed (or read before) learns its flow host here instead of reading it again. Only
/// what does not change for a workspace's life (id, name, location, flow host) is read from it.
#[derive(Clone, Default)]
struct KnownWorkspaces(Arc<Mutex<HashMap<String, WorkspaceSummary>>>);

impl KnownWorkspaces {
    fn get(&self, workspace_id: &str) -> Option<WorkspaceSummary> {
        let known = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        known.get(&workspace_id.to_lowercase()).cloned()
    }

    fn remember(&self, workspace: &WorkspaceSummary) {
        let mut known = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        known.insert(workspace.id.to_lowercase(), workspace.clone());
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("cloud", &self.cloud.name)
            .finish_non_exhaustive()
    }
}

impl Services {
    pub fn new(
        cloud: CloudConfig,
        credential: Arc<dyn TokenCredential>,
        operations: Operations,
    ) -> Result<Services> {
        let pipeline = Pipeline::new(&cloud, credential.clone())?;
        Ok(Services {
            arm: ArmClient::new(pipeline.clone()),
            authorization: AuthorizationClient::new(pipeline.clone()),
            graph: GraphClient::new(pipeline.clone()),
            registry: RegistryClient::new(Pipeline::anonymous(&cloud)?),
            clock: Clock::from_env_or(cloud.today),
            cloud,
            credential,
            pipeline,
            operations,
            known: KnownWorkspaces::default(),
        })
    }

    /// A copy whose pipeline uses other retry settings (tests and benchmarks shorten waits).
    pub fn with_pipeline(mut self, pipeline: Pipeline) -> Services {
        self.arm = ArmClient::new(pipeline.clone());
        self.authorization = AuthorizationClient::new(pipeline.clone());
        self.graph = GraphClient::new(pipeline.clone());
        self.pipeline = pipeline;
        self
    }

    /// A copy that reads "today" from `clock` (tests set the date this way).
    pub fn with_clock(mut self, clock: Clock) -> Services {
        self.clock = clock;
        self
    }

    /// Where "today" comes from: `PFRM_TODAY`, else the emulated cloud's date, else the system's.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    pub fn cloud(&self) -> &CloudConfig {
        &self.cloud
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Keeps what a listing or a read of workspaces found, for [`Services::workspace`].
    pub fn remember_workspaces<'a>(
        &self,
        workspaces: impl IntoIterator<Item = &'a WorkspaceSummary>,
    ) {
        for workspace in workspaces {
            self.known.remember(workspace);
        }
    }

    /// The workspace with this ARM id: as this session listed or read it, else read from ARM
    /// (once; later calls reuse it).
    pub async fn workspace(&self, workspace_id: &str) -> Result<WorkspaceSummary> {
        let reference = WorkspaceRef::from_arm_id(workspace_id)?;
        if let Some(known) = self.known.get(workspace_id) {
            return Ok(known);
        }
        let workspace = WorkspaceSummary::from(&self.arm.get_workspace(&reference).await?);
        self.known.remember(&workspace);
        Ok(workspace)
    }

    /// The workspace with this ARM id and its flow (runtime) service client, resolved as
    /// [`Services::workspace`] does.
    pub async fn workspace_flow(
        &self,
        workspace_id: &str,
    ) -> Result<(WorkspaceSummary, FlowClient)> {
        let workspace = self.workspace(workspace_id).await?;
        let flow = self.flow(&workspace)?;
        Ok((workspace, flow))
    }

    /// The flow (runtime) service client of a workspace.
    pub fn flow(&self, workspace: &WorkspaceSummary) -> Result<FlowClient> {
        FlowClient::for_workspace(
            self.pipeline.clone(),
            WorkspaceRef::from_arm_id(&workspace.id)?,
            workspace.discovery_url.as_deref(),
            &workspace.location,
        )
    }

    /// Who is signed in, read from the claims of an ARM access token.
    pub async fn me(&self) -> Result<Me> {
        let scope = format!("{}/.default", self.cloud.arm_audience.trim_end_matches('/'));
        let token = self
            .credential
            .get_token(&[scope.as_str()], None)
            .await
            .map_err(|error| crate::auth::from_azure_error(&error))?;
        me_from_access_token(token.token.secret())
    }
}

/// Reads `oid`, `tid`, `preferred_username`/`upn` and `name` from a JWT access token's payload.
/// The signature is not checked: the token came from our own credential, and only the caller's
/// identity is read from it (as the prompt flow SDK does).
pub fn me_from_access_token(token: &str) -> Result<Me> {
    let unreadable = || {
        Error::new(
            ErrorCode::SignInRequired,
            "pfrm could not tell who is signed in from the access token.",
        )
        .with_remedy("Sign out and sign in again.")
    };
    let payload = token.split('.').nth(1).ok_or_else(unreadable)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| unreadable())?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| unreadable())?;
    let text = |key: &str| claims.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(Me {
        object_id: text("oid").ok_or_else(unreadable)?,
        tenant_id: text("tid").ok_or_else(unreadable)?,
        user_name: text("preferred_username")
            .or_else(|| text("upn"))
            .or_else(|| text("unique_name")),
        display_name: text("name"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let encode = |value: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
        };
        format!(
            "{}.{}.signature",
            encode(&serde_json::json!({"alg": "RS256", "typ": "JWT"})),
            encode(&claims)
        )
    }

    #[test]
    fn reads_the_callers_identity_from_token_claims() {
        let token = jwt(serde_json::json!({
            "oid": "11111111-1111-1111-1111-111111111111",
            "tid": "22222222-2222-2222-2222-222222222222",
            "upn": "alice@contoso.com",
            "name": "Alice",
        }));
        let me = me_from_access_token(&token).unwrap();
        assert_eq!(me.object_id, "11111111-1111-1111-1111-111111111111");
        assert_eq!(me.tenant_id, "22222222-2222-2222-2222-222222222222");
        assert_eq!(me.user_name.as_deref(), Some("alice@contoso.com"));
        assert_eq!(me.display_name.as_deref(), Some("Alice"));
    }

    #[test]
    fn a_token_without_an_object_id_asks_to_sign_in_again() {
        let error = me_from_access_token(&jwt(serde_json::json!({"tid": "t"}))).unwrap_err();
        assert_eq!(error.code, ErrorCode::SignInRequired);
        let error = me_from_access_token("not-a-jwt").unwrap_err();
        assert_eq!(error.code, ErrorCode::SignInRequired);
        assert!(!error.message.contains("not-a-jwt"));
    }
}
