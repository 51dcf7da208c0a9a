//! The wizard's "authenticate on the compute instance" step, which studio asks for once per
//! region every six months.
//!
//! No Azure API performs or records it: it is a browser sign-in on the region's compute
//! instance domain (`https://{instance}.{region}.instances.azureml.ms`). So the app remembers,
//! per cloud and region, the day the user said it was done, and skips the step while that is
//! less than six months old. Whether an instance's custom application can actually host a
//! runtime is then checked with the flow service's `checkCiAvailability`
//! ([`check_custom_app`]).

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use ts_rs::TS;

use crate::cloud::CloudConfig;
use crate::error::{Error, ErrorCode, Result};
use crate::ops::runtimes::list_my_compute_instances;
use crate::services::Services;
use crate::settings::Settings;

/// How long a sign-in on a region's instances lasts, as studio states it ("6 months").
pub const SIGN_IN_VALID_FOR: Duration = Duration::days(182);

/// Whether the user must sign in on this region's compute instances before creating a runtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSignInStatus {
    /// Lower-case Azure region, e.g. `eastus`.
    pub region: String,
    /// The day the user last signed in on this region's instances (`YYYY-MM-DD`), if ever.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_in_on: Option<String>,
    /// The last day that sign-in counts (`YYYY-MM-DD`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// True when there is no sign-in for this region or it is six months old.
    pub needed: bool,
    /// The page to sign in on: the instance's own address in this cloud. None where there is no
    /// such page (the sandbox's emulated instances).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_url: Option<String>,
}

/// Whether a custom application on a compute instance can host a runtime, as the flow service
/// sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomAppAvailability {
    pub available: bool,
    /// The service's reason when it is not available.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A region name as Azure writes it: lower-case letters and digits.
fn checked_region(region: &str) -> Result<String> {
    let region = region.trim().to_ascii_lowercase();
    if region.is_empty()
        || region.len() > 40
        || !region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            format!("'{region}' is not an Azure region name."),
        )
        .with_remedy("Choose the compute instance again; its region comes from Azure."));
    }
    Ok(region)
}

/// A compute instance name as Azure allows it (letters, digits and hyphens, 3–24 characters,
/// starting with a letter), so that it can go into a host name.
fn checked_instance_name(name: &str) -> Result<&str> {
    let valid = (3..=24).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(name)
    } else {
        Err(Error::new(
            ErrorCode::InvalidInput,
            format!("'{name}' is not a compute instance name."),
        )
        .with_remedy("Choose one of the compute instances the wizard lists."))
    }
}

fn settings_key(cloud: &CloudConfig, region: &str) -> String {
    format!("{}/{region}", cloud.name.to_ascii_lowercase())
}

/// The instance's sign-in page in `cloud`.
pub fn sign_in_url(cloud: &CloudConfig, instance: &str, region: &str) -> Result<String> {
    Ok(cloud.instance_app_url(
        checked_instance_name(instance)?,
        &checked_region(region)?,
        None,
    ))
}

/// Where the user stands for `region`, as of `today`.
pub fn sign_in_status(
    settings: &Settings,
    cloud: &CloudConfig,
    instance: &str,
    region: &str,
    today: Date,
) -> Result<InstanceSignInStatus> {
    let region = checked_region(region)?;
    let sign_in_url = sign_in_url(cloud, instance, &region)?;
    let signed_in_on = settings
        .instance_sign_ins
        .get(&settings_key(cloud, &region))
        .and_then(|day| Date::parse(day, DAY).ok());
    let valid_until = signed_in_on.map(|day| day + SIGN_IN_VALID_FOR);
    Ok(InstanceSignInStatus {
        needed: valid_until.is_none_or(|last| today > last),
        signed_in_on: signed_in_on.map(format_day),
        valid_until: valid_until.map(format_day),
        region,
        sign_in_url: Some(sign_in_url),
    })
}

/// Remembers that the user signed in on `region`'s instances `today`.
pub fn record_sign_in(
    settings: &mut Settings,
    cloud: &CloudConfig,
    region: &str,
    today: Date,
) -> Result<()> {
    let region = checked_region(region)?;
    settings
        .instance_sign_ins
        .insert(settings_key(cloud, &region), format_day(today));
    Ok(())
}

const DAY: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn format_day(day: Date) -> String {
    day.format(DAY).unwrap_or_default()
}

/// Asks the flow service whether `app` on the compute instance `instance` (one of the caller's)
/// can host a runtime.
pub async fn check_custom_app(
    services: &Services,
    workspace_id: &str,
    instance: &str,
    app: &str,
) -> Result<CustomAppAvailability> {
    let workspace = services.workspace(workspace_id).await?;
    let mine = list_my_compute_instances(services, workspace_id, None).await?;
    if !mine
        .iter()
        .any(|candidate| candidate.instance.name.eq_ignore_ascii_case(instance))
    {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!("You have no compute instance named {instance} in this workspace."),
        )
        .with_remedy("Choose one of the compute instances the wizard lists."));
    }
    let availability = services
        .flow(&workspace)?
        .check_ci_availability(instance, app)
        .await?;
    Ok(CustomAppAvailability {
        available: availability.is_available,
        reason: if availability.is_available {
            None
        } else {
            Some(
                availability.error_message().unwrap_or_else(|| {
                    "The prompt flow service says it cannot host a runtime.".into()
                }),
            )
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cloud() -> CloudConfig {
        CloudConfig::public()
    }

    #[test]
    fn a_region_never_signed_in_needs_it() {
        let status = sign_in_status(
            &Settings::default(),
            &cloud(),
            "ci-alice",
            "EastUS",
            date!(2026 - 11 - 28),
        )
        .unwrap();
        assert!(status.needed);
        assert_eq!(status.region, "eastus");
        assert_eq!(
            status.sign_in_url.as_deref(),
            Some("https://ci-alice.eastus.instances.azureml.ms")
        );
        assert_eq!(status.signed_in_on, None);
    }

    #[test]
    fn a_sign_in_counts_for_six_months_in_that_region_only() {
        let mut settings = Settings::default();
        record_sign_in(&mut settings, &cloud(), "eastus", date!(2026 - 06 - 01)).unwrap();
        let on = |day, region| {
            sign_in_status(&settings, &cloud(), "ci-alice", region, day)
                .unwrap()
                .needed
        };
        assert!(!on(date!(2026 - 06 - 01), "eastus"));
        assert!(!on(date!(2026 - 11 - 30), "eastus"), "182 days later");
        assert!(on(date!(2026 - 12 - 01), "eastus"), "183 days later");
        assert!(on(date!(2026 - 06 - 02), "westeurope"), "another region");
        let status = sign_in_status(
            &settings,
            &cloud(),
            "ci-alice",
            "eastus",
            date!(2026 - 07 - 01),
        )
        .unwrap();
        assert_eq!(status.signed_in_on.as_deref(), Some("2026-06-01"));
        assert_eq!(status.valid_until.as_deref(), Some("2026-11-30"));
    }

    #[test]
    fn each_cloud_has_its_own_sign_ins_and_instance_domain() {
        let mut settings = Settings::default();
        record_sign_in(&mut settings, &cloud(), "eastus", date!(2026 - 11 - 01)).unwrap();
        let china = CloudConfig::china();
        let status = sign_in_status(
            &settings,
            &china,
            "ci-alice",
            "eastus",
            date!(2026 - 11 - 02),
        )
        .unwrap();
        assert!(status.needed);
        assert_eq!(
            status.sign_in_url.as_deref(),
            Some("https://ci-alice.eastus.instances.azureml.cn")
        );
    }

    #[test]
    fn names_that_cannot_be_part_of_a_host_name_are_refused() {
        for (instance, region) in [
            ("ci-alice", "east us"),
            ("ci-alice", "eastus.evil.example"),
            ("ci/alice", "eastus"),
            ("ci-alice.evil.example", "eastus"),
            ("x", "eastus"),
        ] {
            let error = sign_in_url(&cloud(), instance, region).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{instance} {region}");
        }
    }

    #[test]
    fn a_damaged_date_counts_as_never_signed_in() {
        let mut settings = Settings::default();
        settings
            .instance_sign_ins
            .insert("azurecloud/eastus".into(), "last tuesday".into());
        let status = sign_in_status(
            &settings,
            &cloud(),
            "ci-alice",
            "eastus",
            date!(2026 - 11 - 02),
        )
        .unwrap();
        assert!(status.needed);
        assert_eq!(status.signed_in_on, None);
    }
}
