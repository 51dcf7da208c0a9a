//! Recognising the failures users really hit: a service message (a runtime's error, a create or
//! update result, an ARM error) is matched against a table of known patterns, and a match becomes
//! a [`Diagnosis`]: the cause, the remedy and, where the app can act, an [`DiagnosisAction`].
//!
//! The table is data, not code: `patterns.yaml` next to this file, embedded at build time. A
//! maintainer adds a pattern there with its real-shaped examples; the tests check every pattern
//! against its examples. A message no pattern knows stays undiagnosed (`None`), and the hosts say
//! so and offer the diagnostics bundle.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::Error;

pub mod bundle;
pub mod gather;
#[cfg(test)]
mod tests;

/// The pattern table, as shipped.
const PATTERNS_YAML: &str = include_str!("patterns.yaml");

/// Key of the diagnosis in an [`Error`]'s details.
pub const DETAIL_KEY: &str = "diagnosis";

/// Where a role named by a remedy is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RoleScope {
    /// The workspace itself.
    Workspace,
    /// The workspace's storage account.
    Storage,
    /// The workspace's container registry.
    Registry,
}

/// Something the app can do about a diagnosed failure, offered as a button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum DiagnosisAction {
    /// Open Permissions with this role chosen.
    #[serde(rename_all = "camelCase")]
    OpenPermissions { role: String, scope: RoleScope },
    /// Create or update the runtime on the default environment instead of a custom one.
    UseDefaultEnvironment,
    /// Open the subscription's quota page in the portal.
    OpenQuotaPage,
}

/// What pfrm recognised in a service message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    /// The pattern's stable id (`storage-key-access-disabled`, ...).
    pub code: String,
    pub cause: String,
    pub remedy: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<DiagnosisAction>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// One pattern as written in `patterns.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatternSpec {
    pub code: String,
    pub when: Vec<AlternativeSpec>,
    pub cause: String,
    pub remedy: String,
    #[serde(default)]
    pub action: Option<DiagnosisAction>,
    #[serde(default)]
    pub link: Option<String>,
    /// Read by the tests only; required so that no pattern ships without one.
    #[cfg_attr(not(test), allow(dead_code))]
    pub examples: Vec<ExampleSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlternativeSpec {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

/// A real-shaped message the pattern must recognise: text alone, or text with an error code.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) enum ExampleSpec {
    Message(String),
    WithCode { message: String, code: String },
}

#[cfg(test)]
impl ExampleSpec {
    pub fn message(&self) -> &str {
        match self {
            ExampleSpec::Message(message) | ExampleSpec::WithCode { message, .. } => message,
        }
    }

    pub fn codes(&self) -> Vec<&str> {
        match self {
            ExampleSpec::Message(_) => Vec::new(),
            ExampleSpec::WithCode { code, .. } => vec![code],
        }
    }
}

struct Alternative {
    message: Option<Regex>,
    code: Option<String>,
}

struct Pattern {
    spec: PatternSpec,
    alternatives: Vec<Alternative>,
}

/// Parses and compiles the table; the error says which pattern is wrong.
pub(crate) fn parse_table(text: &str) -> Result<Vec<PatternSpec>, String> {
    let specs: Vec<PatternSpec> =
        serde_norway::from_str(text).map_err(|error| format!("patterns.yaml: {error}"))?;
    for spec in &specs {
        compile(spec)?;
    }
    Ok(specs)
}

fn compile(spec: &PatternSpec) -> Result<Pattern, String> {
    if spec.when.is_empty() {
        return Err(format!("pattern {}: `when` is empty", spec.code));
    }
    let alternatives = spec
        .when
        .iter()
        .map(|alternative| {
            if alternative.message.is_none() && alternative.code.is_none() {
                return Err(format!(
                    "pattern {}: an alternative needs a message or a code",
                    spec.code
                ));
            }
            let message = alternative
                .message
                .as_deref()
                .map(|source| {
                    RegexBuilder::new(source)
                        .case_insensitive(true)
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|error| format!("pattern {}: {error}", spec.code))
                })
                .transpose()?;
            Ok(Alternative {
                message,
                code: alternative.code.clone(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Pattern {
        spec: spec.clone(),
        alternatives,
    })
}

fn table() -> &'static [Pattern] {
    static TABLE: OnceLock<Vec<Pattern>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The shipped table is checked by the tests; a broken one recognises nothing rather
        // than failing the caller.
        parse_table(PATTERNS_YAML)
            .map(|specs| specs.iter().filter_map(|spec| compile(spec).ok()).collect())
            .unwrap_or_default()
    })
}

/// Fills `{name}` placeholders from the match's named groups.
fn fill(template: &str, captures: Option<&regex::Captures<'_>>, regex: Option<&Regex>) -> String {
    let (Some(captures), Some(regex)) = (captures, regex) else {
        return template.to_owned();
    };
    let mut out = template.to_owned();
    for name in regex.capture_names().flatten() {
        if let Some(value) = captures.name(name) {
            out = out.replace(&format!("{{{name}}}"), value.as_str());
        }
    }
    out
}

impl Pattern {
    fn recognise(&self, message: &str, codes: &[&str]) -> Option<Diagnosis> {
        for alternative in &self.alternatives {
            let code_ok = alternative
                .code
                .as_deref()
                .is_none_or(|wanted| codes.iter().any(|code| code.eq_ignore_ascii_case(wanted)));
            if !code_ok {
                continue;
            }
            let captures = match &alternative.message {
                Some(regex) => match regex.captures(message) {
                    Some(captures) => Some(captures),
                    None => continue,
                },
                None => None,
            };
            let regex = alternative.message.as_ref();
            let spec = &self.spec;
            return Some(Diagnosis {
                code: spec.code.clone(),
                cause: fill(&spec.cause, captures.as_ref(), regex),
                remedy: fill(&spec.remedy, captures.as_ref(), regex),
                action: spec.action.clone(),
                link: spec.link.clone(),
            });
        }
        None
    }
}

/// The diagnosis of a service message and the service's error codes (outer and inner), or
/// `None` when no known pattern matches.
pub fn diagnose(message: &str, codes: &[&str]) -> Option<Diagnosis> {
    table()
        .iter()
        .find_map(|pattern| pattern.recognise(message, codes))
}

/// Every error code in a service error body (`{"error": {"code", "innerError": {"code", ...}}}`
/// or the error object itself), outermost first.
pub fn error_codes(error: &Value) -> Vec<String> {
    let mut codes = Vec::new();
    let mut next = Some(error.get("error").unwrap_or(error));
    while let Some(current) = next {
        if let Some(code) = current.get("code").and_then(Value::as_str) {
            codes.push(code.to_owned());
        }
        next = current
            .get("innerError")
            .or_else(|| current.get("inner_error"))
            .filter(|inner| inner.is_object());
    }
    if let Some(details) = error
        .get("error")
        .unwrap_or(error)
        .get("details")
        .and_then(Value::as_array)
    {
        for detail in details {
            if let Some(code) = detail.get("code").and_then(Value::as_str) {
                codes.push(code.to_owned());
            }
        }
    }
    codes
}

/// The diagnosis carried by an error, if pfrm recognised its message.
pub fn of_error(error: &Error) -> Option<Diagnosis> {
    let value = error.details.as_ref()?.get(DETAIL_KEY)?;
    serde_json::from_value(value.clone()).ok()
}

impl Diagnosis {
    /// `error` with this diagnosis in its details and its remedy replaced by the diagnosis's,
    /// which says more than any generic remedy. The message, the service's words, stays.
    pub fn attach(&self, mut error: Error) -> Error {
        error.remedy = Some(self.remedy.clone());
        match serde_json::to_value(self) {
            Ok(value) => error
                .details
                .get_or_insert_with(Default::default)
                .insert(DETAIL_KEY.to_owned(), value),
            Err(_) => None,
        };
        error
    }
}

/// `error` diagnosed from the service's message and codes, when a pattern matches; unchanged
/// otherwise. Used where a service error becomes an [`Error`].
pub fn attach_if_known(error: Error, service_message: &str, codes: &[&str]) -> Error {
    match diagnose(service_message, codes) {
        Some(diagnosis) => diagnosis.attach(error),
        None => error,
    }
}
