//! Naming rules Azure applies to the things pfrm creates, checked before any request is sent so
//! the user hears about a bad name at once and in plain words.
//!
//! A compute-instance runtime is named after its compute instance, so a runtime name must be a
//! valid compute name. The rule is the `computeName` path parameter pattern of the
//! Microsoft.MachineLearningServices API (`ComputeNameParameter` in
//! `machineLearningServices.json`, 2024-04-01-preview):
//! `^[a-zA-Z](?![a-zA-Z0-9-]*-\d+$)[a-zA-Z0-9\-]{2,23}$` — 3 to 24 characters, letters, digits
//! and hyphens, starting with a letter, and not ending in a hyphen followed only by digits.

use crate::error::Error;

/// Shortest and longest runtime (compute instance) name Azure accepts.
pub const RUNTIME_NAME_MIN_LEN: usize = 3;
pub const RUNTIME_NAME_MAX_LEN: usize = 24;

const RULE: &str = "Use 3 to 24 characters: letters, digits and hyphens, starting with a letter, \
and not ending in a hyphen followed only by digits (for example \"my-runtime\" or \"gpt-flow2\").";

/// Checks a runtime name against Azure's compute-instance naming rule. The error says what is
/// wrong with this particular name and restates the rule as the remedy.
pub fn validate_runtime_name(name: &str) -> Result<(), Error> {
    let problem = runtime_name_problem(name);
    match problem {
        None => Ok(()),
        Some(problem) => Err(Error::invalid_input(format!(
            "\"{}\" cannot be used as a runtime name: {problem}.",
            name.escape_debug()
        ))
        .with_remedy(RULE)
        .with_detail("field", "runtimeName")),
    }
}

fn runtime_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    let length = name.chars().count();
    if length < RUNTIME_NAME_MIN_LEN {
        return Some(format!(
            "it has {length} character{}, and at least {RUNTIME_NAME_MIN_LEN} are needed",
            if length == 1 { "" } else { "s" }
        ));
    }
    if length > RUNTIME_NAME_MAX_LEN {
        return Some(format!(
            "it has {length} characters, and at most {RUNTIME_NAME_MAX_LEN} are allowed"
        ));
    }
    let first = name.chars().next().unwrap_or_default();
    if !first.is_ascii_alphabetic() {
        return Some(format!("it starts with '{first}' instead of a letter"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(match bad {
            ' ' => "it contains a space".into(),
            '_' => "it contains an underscore, which compute names do not allow".into(),
            other => format!("it contains '{other}'"),
        });
    }
    // The pattern's negative look-ahead: a name such as "runtime-2" is refused by Azure because
    // names ending in "-<digits>" are reserved for the instances Azure numbers itself.
    if let Some((_, suffix)) = name.rsplit_once('-') {
        if !suffix.is_empty() && suffix.chars().all(|c| c.is_ascii_digit()) {
            return Some(format!(
                "it ends in \"-{suffix}\", a hyphen followed only by digits"
            ));
        }
    }
    None
}

/// A runtime name to suggest for a runtime on `instance`: `rt-<instance>`, with a letter added
/// (`-b`, `-c`, …) when a runtime in `taken` already has it (compared without case). The name
/// follows [`validate_runtime_name`]'s rule: the instance name is reduced to lower-case letters,
/// digits and single hyphens, the base is cut to leave room for the letter, and a name that would
/// end in a hyphen and digits gets an `x`. With no instance chosen yet, `rt-flow`.
pub fn suggest_runtime_name<S: AsRef<str>>(instance: Option<&str>, taken: &[S]) -> String {
    let mut slug = String::new();
    for c in instance.unwrap_or("flow").to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            // Anything else (a space, an underscore, a hyphen) becomes one hyphen.
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "flow" } else { slug };
    // 21 characters leave room for "-<letter>" within the 24 allowed.
    let base: String = format!("rt-{slug}").chars().take(21).collect();
    let base = base.trim_end_matches('-');
    let used: std::collections::HashSet<String> = taken
        .iter()
        .map(|name| name.as_ref().to_lowercase())
        .collect();
    let first = if ends_in_hyphen_digits(base) {
        format!("{base}x")
    } else {
        base.to_owned()
    };
    if !used.contains(&first) {
        return first;
    }
    ('b'..='z')
        .map(|letter| format!("{base}-{letter}"))
        .find(|name| !used.contains(name))
        .unwrap_or_else(|| format!("{base}-new"))
}

fn ends_in_hyphen_digits(name: &str) -> bool {
    name.rsplit_once('-')
        .is_some_and(|(_, suffix)| !suffix.is_empty() && suffix.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn accepts_names_azure_accepts() {
        for name in [
            "abc",
            "my-runtime",
            "gpt-flow2",
            "Runtime-v2a",
            "a1-2b",
            "abcdefghijklmnopqrstuvwx",
        ] {
            assert_eq!(validate_runtime_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_names_azure_refuses_and_says_why() {
        let cases = [
            ("", "the name is empty"),
            ("ab", "it has 2 characters, and at least 3 are needed"),
            (
                "abcdefghijklmnopqrstuvwxy",
                "it has 25 characters, and at most 24 are allowed",
            ),
            ("1runtime", "it starts with '1' instead of a letter"),
            ("-runtime", "it starts with '-' instead of a letter"),
            ("my runtime", "it contains a space"),
            ("my_runtime", "it contains an underscore"),
            ("my.runtime", "it contains '.'"),
            ("rüntime", "it contains 'ü'"),
            ("runtime-2", "it ends in \"-2\""),
            ("a-b-123", "it ends in \"-123\""),
        ];
        for (name, reason) in cases {
            let error = validate_runtime_name(name).expect_err(name);
            assert_eq!(error.code, ErrorCode::InvalidInput, "{name}");
            assert!(
                error.message.contains(reason),
                "{name}: {:?} should mention {reason:?}",
                error.message
            );
            assert!(error.remedy.as_deref().unwrap().starts_with("Use 3 to 24"));
        }
    }

    #[test]
    fn a_trailing_hyphen_is_fine_but_hyphen_digits_is_not() {
        // Mirrors the look-ahead exactly: only "-" + one or more digits at the very end is refused.
        assert_eq!(validate_runtime_name("run-"), Ok(()));
        assert_eq!(validate_runtime_name("run-2x"), Ok(()));
        assert!(validate_runtime_name("run-22").is_err());
    }

    #[test]
    fn the_error_serialises_with_message_and_remedy() {
        let error = validate_runtime_name("x").unwrap_err();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "invalid_input");
        assert_eq!(json["details"]["field"], "runtimeName");
        assert!(json["remedy"]
            .as_str()
            .unwrap()
            .contains("letters, digits and hyphens"));
    }

    #[test]
    fn suggests_rt_and_the_instance_name_then_a_letter_when_taken() {
        let none: [&str; 0] = [];
        assert_eq!(suggest_runtime_name(Some("ci-alice"), &none), "rt-ci-alice");
        // Taken names are compared without case.
        assert_eq!(
            suggest_runtime_name(Some("ci-alice"), &["RT-ci-alice"]),
            "rt-ci-alice-b"
        );
        assert_eq!(
            suggest_runtime_name(Some("ci-alice"), &["rt-ci-alice", "rt-ci-alice-b"]),
            "rt-ci-alice-c"
        );
        assert_eq!(suggest_runtime_name(None, &none), "rt-flow");
        assert_eq!(suggest_runtime_name(Some("__"), &none), "rt-flow");
        // Every letter taken: "-new".
        let all: Vec<String> = std::iter::once("rt-ci".to_owned())
            .chain(('b'..='z').map(|letter| format!("rt-ci-{letter}")))
            .collect();
        assert_eq!(suggest_runtime_name(Some("ci"), &all), "rt-ci-new");
    }

    #[test]
    fn a_suggested_name_always_passes_the_naming_rule() {
        let none: [&str; 0] = [];
        // Never "-<digits>" at the end (reserved by Azure).
        assert_eq!(
            suggest_runtime_name(Some("ci-alice-1"), &none),
            "rt-ci-alice-1x"
        );
        assert_eq!(
            suggest_runtime_name(Some("My Instance_2"), &none),
            "rt-my-instance-2x"
        );
        for instance in [
            "a-very-long-instance-name-indeed",
            "ci-alice-1",
            "CI ALICE",
            "x--y--",
            "rüntime-ö",
            "12345678901234567890-1",
        ] {
            let taken = [suggest_runtime_name(Some(instance), &none)];
            for name in [
                taken[0].clone(),
                suggest_runtime_name(Some(instance), &taken),
            ] {
                assert_eq!(validate_runtime_name(&name), Ok(()), "{instance}: {name}");
                assert!(name.len() <= RUNTIME_NAME_MAX_LEN, "{name}");
            }
        }
    }
}
