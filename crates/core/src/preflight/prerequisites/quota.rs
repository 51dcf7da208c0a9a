//! VM quota: whether any size a user might choose fits the cores left in the region, and whether
//! a stopped instance can start.

use super::{could_not_tell, Fact, QUOTA_GUIDE};
use crate::preflight::{evidence, CheckId, CheckResult, CheckStatus, Severity};

/// One VM family's cores in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyUsage {
    /// As the usages API names it (`Standard DSv2 Family Cluster Dedicated vCPUs`).
    pub name: String,
    pub current: i64,
    pub limit: i64,
}

impl FamilyUsage {
    pub fn left(&self) -> i64 {
        (self.limit - self.current).max(0)
    }
}

/// A VM size a compute instance can have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeFacts {
    pub name: String,
    /// `standardDSv2Family`, ...
    pub family: String,
    pub v_cpus: i64,
}

/// Quota facts for one region.
#[derive(Debug, Clone)]
pub struct QuotaFacts {
    pub location: String,
    /// The sizes a compute instance may have in the region.
    pub sizes: Fact<Vec<SizeFacts>>,
    pub families: Fact<Vec<FamilyUsage>>,
    /// The regional total of dedicated cores, when the service reports one.
    pub regional: Option<FamilyUsage>,
}

/// Folds a name to compare `standardDSv2Family` with `Standard DSv2 Family ... vCPUs`.
fn folded(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl QuotaFacts {
    /// The usage of a size's family.
    pub fn family_of(&self, size: &SizeFacts) -> Option<&FamilyUsage> {
        let family = folded(&size.family);
        self.families
            .as_ref()
            .ok()?
            .iter()
            .find(|usage| folded(&usage.name).starts_with(&family))
    }

    /// Cores left for `size`: its family's and the region's, whichever is fewer.
    pub fn cores_left_for(&self, size: &SizeFacts) -> Option<i64> {
        let family = self.family_of(size)?.left();
        Some(match &self.regional {
            Some(regional) => family.min(regional.left()),
            None => family,
        })
    }

    fn size(&self, name: &str) -> Option<&SizeFacts> {
        self.sizes
            .as_ref()
            .ok()?
            .iter()
            .find(|size| size.name.eq_ignore_ascii_case(name))
    }
}

/// The sizes a user might choose for a new compute instance: does any fit the quota left?
///
/// A warning, never a blocker: a runtime on an instance that runs needs no new cores. What a
/// runtime needs is that its own (stopped) instance can start: [`instance_quota_check`].
pub fn vm_quota_check(quota: &QuotaFacts) -> CheckResult {
    let title = format!(
        "Your VM quota in {} leaves room for a compute instance",
        quota.location
    );
    let sizes = match &quota.sizes {
        Ok(sizes) => sizes,
        Err(why) => {
            return could_not_tell(
                CheckId::VmQuota,
                Severity::Warning,
                &title,
                &format!("the VM sizes in {}", quota.location),
                why,
            )
        }
    };
    if let Err(why) = &quota.families {
        return could_not_tell(
            CheckId::VmQuota,
            Severity::Warning,
            &title,
            &format!("your quota usage in {}", quota.location),
            why,
        );
    }
    let fitting: Vec<&SizeFacts> = sizes
        .iter()
        .filter(|size| {
            quota
                .cores_left_for(size)
                .is_some_and(|left| left >= size.v_cpus)
        })
        .collect();
    let mut full: Vec<String> = sizes
        .iter()
        .filter_map(|size| quota.family_of(size))
        .filter(|usage| usage.left() == 0)
        .map(|usage| format!("{} ({}/{})", usage.name, usage.current, usage.limit))
        .collect();
    full.sort();
    full.dedup();
    let mut result = CheckResult::new(
        CheckId::VmQuota,
        if fitting.is_empty() || !full.is_empty() {
            Severity::Warning
        } else {
            Severity::Info
        },
        CheckStatus::passed_if(!fitting.is_empty() && full.is_empty()),
        &title,
    )
    .evidence(evidence(
        "Sizes that fit",
        if fitting.is_empty() {
            format!("none of {}", sizes.len())
        } else {
            format!(
                "{} of {} (for example {})",
                fitting.len(),
                sizes.len(),
                fitting
                    .iter()
                    .take(3)
                    .map(|size| size.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    ));
    if let Some(regional) = &quota.regional {
        result = result.evidence(evidence(
            "Regional dedicated vCPUs",
            format!("{} of {} used", regional.current, regional.limit),
        ));
    }
    if !full.is_empty() {
        result = result.evidence(evidence("Families at their limit", full.join(", ")));
    }
    if fitting.is_empty() {
        result
            .remedy(format!(
                "No compute instance size fits the cores left in {}: creating or starting one fails with \"Not enough quota available\". Stop or delete instances you do not use, or request more quota (Azure ML studio → Quota, or the Azure portal's Quotas page).",
                quota.location
            ))
            .link(QUOTA_GUIDE)
    } else if !full.is_empty() {
        result
            .remedy("Sizes in the families at their limit cannot be chosen: pick a size that fits, or request more quota for that family.")
            .link(QUOTA_GUIDE)
    } else {
        result
    }
}

/// Whether a stopped instance can start within the quota left (a running one already holds its
/// cores).
pub fn instance_quota_check(
    instance: &str,
    vm_size: Option<&str>,
    running: bool,
    quota: &QuotaFacts,
) -> CheckResult {
    let title = "There is VM quota to start the compute instance";
    let Some(vm_size) = vm_size else {
        return CheckResult::new(
            CheckId::InstanceQuota,
            Severity::Info,
            CheckStatus::Passed,
            title,
        )
        .evidence(evidence("VM size", "not given"));
    };
    if running {
        return CheckResult::new(
            CheckId::InstanceQuota,
            Severity::Info,
            CheckStatus::Passed,
            title,
        )
        .evidence(evidence("VM size", vm_size))
        .evidence(evidence("Cores", "already held: the instance is running"));
    }
    if let Err(why) = &quota.sizes {
        return could_not_tell(
            CheckId::InstanceQuota,
            Severity::Blocker,
            title,
            &format!("the size of {vm_size}"),
            why,
        );
    }
    if let Err(why) = &quota.families {
        return could_not_tell(
            CheckId::InstanceQuota,
            Severity::Blocker,
            title,
            &format!("your quota usage in {}", quota.location),
            why,
        );
    }
    let Some(size) = quota.size(vm_size) else {
        return CheckResult::new(
            CheckId::InstanceQuota,
            Severity::Warning,
            CheckStatus::Unknown,
            title,
        )
        .evidence(evidence("VM size", vm_size))
        .evidence(evidence(
            "Could not tell",
            format!(
                "{vm_size} is not among the sizes offered in {}",
                quota.location
            ),
        ))
        .remedy("Choose an instance of a size offered in the workspace's region.");
    };
    let left = quota.cores_left_for(size);
    let fits = left.is_some_and(|left| left >= size.v_cpus);
    let family = quota
        .family_of(size)
        .map(|usage| format!("{} ({}/{} used)", usage.name, usage.current, usage.limit))
        .unwrap_or_else(|| size.family.clone());
    let result = CheckResult::new(
        CheckId::InstanceQuota,
        Severity::Blocker,
        CheckStatus::passed_if(fits),
        title,
    )
    .evidence(evidence(
        "VM size",
        format!("{vm_size} ({} vCPUs)", size.v_cpus),
    ))
    .evidence(evidence("Family", family))
    .evidence(evidence(
        "vCPUs left",
        left.map(|left| left.to_string())
            .unwrap_or_else(|| "unknown family".into()),
    ));
    if fits {
        return result;
    }
    let others: Vec<&str> = quota
        .sizes
        .as_ref()
        .map(|sizes| {
            sizes
                .iter()
                .filter(|other| {
                    quota
                        .cores_left_for(other)
                        .is_some_and(|left| left >= other.v_cpus)
                })
                .take(3)
                .map(|other| other.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    result
        .remedy(format!(
            "Starting {instance} needs {} vCPUs of its family and there are not enough left: it fails with \"Not enough quota available\". {}Or request more quota for the family.",
            size.v_cpus,
            if others.is_empty() {
                "Stop instances you do not use. ".to_string()
            } else {
                format!("Use an instance of another size ({} fit). ", others.join(", "))
            }
        ))
        .link(QUOTA_GUIDE)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_size_counts_against_its_family_and_the_region() {
        let size = SizeFacts {
            name: "Standard_DS3_v2".into(),
            family: "standardDSv2Family".into(),
            v_cpus: 4,
        };
        let quota = QuotaFacts {
            location: "eastus".into(),
            sizes: Ok(vec![size.clone()]),
            families: Ok(vec![FamilyUsage {
                name: "Standard DSv2 Family Cluster Dedicated vCPUs".into(),
                current: 2,
                limit: 24,
            }]),
            regional: Some(FamilyUsage {
                name: "Total Cluster Dedicated Regional vCPUs".into(),
                current: 21,
                limit: 24,
            }),
        };
        // 22 left in the family, but only 3 in the region: a 4-core size does not fit.
        assert_eq!(quota.cores_left_for(&size), Some(3));
        let check = instance_quota_check("ci", Some("STANDARD_DS3_V2"), false, &quota);
        assert_eq!(check.status, CheckStatus::Failed);
        assert!(check.blocks());
        let running = instance_quota_check("ci", Some("STANDARD_DS3_V2"), true, &quota);
        assert_eq!(running.status, CheckStatus::Passed);
    }
}
