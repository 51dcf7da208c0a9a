//! Fixtures the unit tests of this feature share.

use time::{Date, Month};

use crate::model::{RuntimeStatus, RuntimeSummary, WorkspaceSummary};

pub fn runtime(image: Option<&str>, environment: Option<&str>) -> RuntimeSummary {
    RuntimeSummary {
        name: "rt".into(),
        key: RuntimeSummary::key_of(&WorkspaceSummary::sample().id, "rt"),
        runtime_type: Some("ComputeInstance".into()),
        status: RuntimeStatus::Running,
        status_text: Some("Running".into()),
        compute_instance_name: Some("ci".into()),
        custom_app_name: Some("rt".into()),
        docker_image: image.map(str::to_owned),
        image_tag: None,
        image_version: None,
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
