//! Fixtures the unit tests of this feature share.

use time::{Date, Month};

use crate::model::{
    RuntimeStatus, RuntimeSummary, WorkspaceFlags, WorkspaceKind, WorkspaceSummary,
};

pub fn workspace() -> WorkspaceSummary {
    WorkspaceSummary {
        id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws".into(),
        name: "ws".into(),
        subscription_id: "s".into(),
        resource_group: "rg".into(),
        location: "eastus".into(),
        kind: WorkspaceKind::Default,
        kind_text: None,
        workspace_id: None,
        discovery_url: None,
        friendly_name: None,
        flags: WorkspaceFlags::default(),
    }
}

pub fn runtime(image: Option<&str>, environment: Option<&str>) -> RuntimeSummary {
    RuntimeSummary {
        name: "rt".into(),
        key: RuntimeSummary::key_of(&workspace().id, "rt"),
        runtime_type: Some("ComputeInstance".into()),
        status: RuntimeStatus::Running,
        status_text: Some("Running".into()),
        compute_instance_name: Some("ci".into()),
        custom_app_name: Some("rt".into()),
        docker_image: image.map(str::to_owned),
        image_tag: None,
        environment: environment.map(str::to_owned),
        created_on: None,
        modified_on: None,
        owner_name: None,
    }
}

pub const OLD: &str = "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2";

pub fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}
