//! The custom applications of a compute instance (a prompt flow runtime is one): their wire
//! form, kept whole because the one call that changes them replaces the whole list.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{api_versions, ArmClient};
use crate::azure::WorkspaceRef;
use crate::error::Result;
use crate::http::Method;
use crate::model::{AppEndpoint, CustomApp};

/// `CustomService`. Fields pfrm does not model are kept in `other` and sent back unchanged,
/// because the `customServices` POST replaces the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomService {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<CustomServiceImage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<CustomServiceEndpoint>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<Value>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomServiceImage {
    /// `docker` or `azureml`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub image_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomServiceEndpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<u32>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Whether an image reference is a prompt flow runtime image.
pub fn is_prompt_flow_runtime_image(reference: &str) -> bool {
    reference.contains("azureml/promptflow/promptflow-runtime")
}

impl From<&CustomService> for CustomApp {
    fn from(service: &CustomService) -> Self {
        let image = service
            .image
            .as_ref()
            .and_then(|image| image.reference.clone());
        CustomApp {
            name: service.name.clone(),
            image_type: service
                .image
                .as_ref()
                .and_then(|image| image.image_type.clone()),
            is_prompt_flow_runtime: image.as_deref().is_some_and(is_prompt_flow_runtime_image),
            image,
            endpoints: service
                .endpoints
                .iter()
                .flatten()
                .map(|endpoint| AppEndpoint {
                    name: endpoint.name.clone(),
                    protocol: endpoint.protocol.clone(),
                    target: endpoint.target,
                    published: endpoint.published,
                })
                .collect(),
        }
    }
}

impl ArmClient {
    /// Replaces the instance's custom applications with `services` (send the existing ones too:
    /// the list is overwritten).
    pub async fn replace_custom_services(
        &self,
        workspace: &WorkspaceRef,
        name: &str,
        services: &[CustomService],
    ) -> Result<()> {
        let body = serde_json::to_value(services)
            .map_err(|error| crate::error::Error::internal(format!("custom services: {error}")))?;
        let request = self
            .workspace_request(
                Method::POST,
                workspace,
                &["computes", name, "customServices"],
                api_versions::MACHINE_LEARNING_PREVIEW,
                format!("update the custom applications of compute instance '{name}'"),
            )?
            .json(body);
        self.pipeline.send(&request).await.map(|_| ())
    }
}
