//! One entry point per parser that reads outside input, each checking what must hold for any
//! input (no panic, round trips, no secret left). The libFuzzer targets in `fuzz/` call these,
//! and the tests below replay the checked-in corpora (`fuzz/corpus/<target>/`) through them on
//! every `cargo test`, so a crash once found stays fixed.

use crate::azure::{check_segment, WorkspaceRef};

/// One fuzz target: it panics when a check fails.
pub type Target = fn(&[u8]);

/// Every target, by the name of its `fuzz/fuzz_targets/<name>.rs` and corpus folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("retry_after", retry_after),
    ("www_authenticate", www_authenticate),
    ("service_error", service_error),
    ("redaction", redaction),
    ("arm_id", arm_id),
    ("workspace_reference", workspace_reference),
    ("image_tag", image_tag),
    ("environment_asset_id", environment_asset_id),
    ("link_header", link_header),
    ("cloud_config", cloud_config),
    ("jwt_claims", jwt_claims),
    ("settings_file", settings_file),
    ("journal_file", journal_file),
];

/// Runs the target called `name` on `data`; `false` when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|(target, _)| *target == name) {
        Some((_, target)) => {
            target(data);
            true
        }
        None => false,
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Splits `data` into `N` parts at the first `N - 1` NUL bytes.
fn parts<const N: usize>(data: &[u8]) -> [&[u8]; N] {
    let mut out = [&data[data.len()..]; N];
    let mut rest = data;
    for slot in out.iter_mut().take(N - 1) {
        match rest.iter().position(|b| *b == 0) {
            Some(at) => {
                *slot = &rest[..at];
                rest = &rest[at + 1..];
            }
            None => {
                *slot = rest;
                rest = &rest[rest.len()..];
            }
        }
    }
    out[N - 1] = rest;
    out
}

/// `Retry-After` values: never a panic, whatever the number or date.
pub fn retry_after(data: &[u8]) {
    let _ = crate::http::parse_retry_after(&text(data));
}

/// `WWW-Authenticate` claims challenges: never a panic; a decoded challenge is text.
pub fn www_authenticate(data: &[u8]) {
    let mut headers = reqwest::header::HeaderMap::new();
    for value in data.split(|b| *b == b'\n') {
        if let Ok(value) = reqwest::header::HeaderValue::from_bytes(value) {
            headers.append(reqwest::header::WWW_AUTHENTICATE, value);
        }
    }
    let _ = crate::http::challenge_claims(&headers);
}

/// Error bodies and headers of failed responses, in every dialect: never a panic, and what
/// reaches the user holds no token.
pub fn service_error(data: &[u8]) {
    let [status, header, body] = parts::<3>(data);
    let status = 400 + u16::from(status.first().copied().unwrap_or(0)) % 200;
    let mut headers = reqwest::header::HeaderMap::new();
    if let Ok(value) = reqwest::header::HeaderValue::from_bytes(header) {
        headers.insert(reqwest::header::WWW_AUTHENTICATE, value);
    }
    let error = crate::http::classify_response("read the thing", status, &headers, body, "id");
    let _ = crate::http::ServiceError::parse(body);
    assert_eq!(
        crate::redact::redact_secrets(&error.message),
        error.message,
        "an error message kept a secret"
    );
}

/// Redaction: never a panic, a second pass changes nothing, and a token after `Bearer` or
/// shaped like a JWT never survives.
pub fn redaction(data: &[u8]) {
    use crate::redact::{redact_secrets, MARK};
    let input = text(data);
    let once = redact_secrets(&input);
    assert_eq!(redact_secrets(&once), once, "redaction is not stable");

    let [prefix, token, suffix] = parts::<3>(data);
    let alphabet = b"abcXYZ019-_.+/~%";
    let mut opaque: String = token
        .iter()
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect();
    while opaque.len() < 8 {
        opaque.push('A');
    }
    let (prefix, suffix) = (text(prefix), text(suffix));
    let out = redact_secrets(&format!("{prefix}\n. bearer {opaque} .\n{suffix}"));
    assert!(
        out.contains(&format!(" bearer {MARK} .")),
        "a bearer token survived: {out:?}"
    );
    let jwt = format!("eyJ{opaque}.{opaque}");
    let out = redact_secrets(&format!("{prefix} {jwt} {suffix}"));
    assert!(!out.contains(&jwt), "a JWT survived: {out:?}");
}

/// Workspace ARM ids: an accepted id names valid parts and round-trips; any three valid names
/// make an id that is accepted.
pub fn arm_id(data: &[u8]) {
    let input = text(data);
    if let Ok(workspace) = WorkspaceRef::from_arm_id(&input) {
        let id = workspace.arm_id();
        assert_eq!(WorkspaceRef::from_arm_id(&id).ok(), Some(workspace.clone()));
        let given = input.strip_suffix('/').unwrap_or(&input);
        assert!(id.eq_ignore_ascii_case(given), "{input:?} -> {id:?}");
        for part in [
            &workspace.subscription_id,
            &workspace.resource_group,
            &workspace.name,
        ] {
            assert!(check_segment(part).is_ok(), "{part:?}");
        }
    }
    let [subscription, group, name] = parts::<3>(data);
    let built = WorkspaceRef::new(text(subscription), text(group), text(name));
    let valid = [&built.subscription_id, &built.resource_group, &built.name]
        .iter()
        .all(|part| check_segment(part).is_ok());
    let parsed = WorkspaceRef::from_arm_id(&built.arm_id());
    if valid {
        assert_eq!(parsed.ok(), Some(built));
    } else {
        // An invalid part may still leave a valid id of another workspace (`name/` loses
        // its slash), but never reads back as the invalid one.
        assert_ne!(parsed.ok(), Some(built));
    }
}

/// What users type to pick a workspace: a result names valid parts only.
pub fn workspace_reference(data: &[u8]) {
    let input = text(data);
    match WorkspaceRef::parse_reference(&input) {
        Ok(Some(workspace)) => {
            for part in [
                &workspace.subscription_id,
                &workspace.resource_group,
                &workspace.name,
            ] {
                assert!(check_segment(part).is_ok(), "{part:?}");
            }
        }
        Ok(None) => assert!(check_segment(&input).is_ok(), "{input:?}"),
        Err(error) => assert_eq!(error.code, crate::ErrorCode::InvalidInput),
    }
}

/// Image tags (`YYYYMMDD.vN`) and references: a parsed tag keeps its text and is found again
/// in a reference.
pub fn image_tag(data: &[u8]) {
    use crate::model::ImageTag;
    let input = text(data);
    if let Some(tag) = ImageTag::parse(&input) {
        assert_eq!(tag.text, input);
        assert_eq!(tag.date().len(), 10);
        assert_eq!(
            ImageTag::from_image_reference(&format!("mcr.microsoft.com/x/y:{input}")),
            Some(tag)
        );
    }
    let _ = ImageTag::from_image_reference(&input);
    let tags: Vec<&str> = input.split('\n').collect();
    let sorted = ImageTag::newest_first(tags.iter().copied());
    assert!(sorted.windows(2).all(|pair| pair[0] > pair[1]));
}

/// Environment asset ids: never a panic; the id is kept and a reference is the same as itself.
pub fn environment_asset_id(data: &[u8]) {
    use crate::ops::updates::CustomEnvironmentRef;
    let input = text(data);
    let parsed = CustomEnvironmentRef::parse(&input);
    assert_eq!(parsed.asset_id, input);
    assert!(parsed.same_as(&parsed));
    let _ = parsed.display();
}

/// Registry `Link` headers: never a panic; a next page followed is on the same origin (never
/// another host, never plain HTTP) and is not the page itself.
pub fn link_header(data: &[u8]) {
    let base = url::Url::parse("https://mcr.microsoft.com/v2/azureml/x/tags/list?n=10")
        .expect("a valid base");
    let input = text(data);
    if let Some(next) = crate::azure::registry::next_link_in(input.split('\n'), &base) {
        assert_eq!(next.origin(), base.origin(), "{next}");
        assert_ne!(next, base);
    }
}

/// Custom cloud descriptions: an accepted one has HTTPS endpoints without user information.
pub fn cloud_config(data: &[u8]) {
    let Ok(cloud) = crate::cloud::CloudConfig::from_custom_json(&text(data)) else {
        return;
    };
    for endpoint in [
        &cloud.authority_host,
        &cloud.arm_endpoint,
        &cloud.graph_endpoint,
        &cloud.registry_endpoint,
        &cloud.studio_url,
    ] {
        assert_eq!(endpoint.scheme(), "https");
        assert!(endpoint.username().is_empty() && endpoint.password().is_none());
        assert!(endpoint.host_str().is_some_and(|host| !host.is_empty()));
    }
    let _ = cloud.flow_host_for_region("eastus");
    let _ = cloud.authority("organizations");
}

/// JWT claims (ID tokens and access tokens): never a panic.
pub fn jwt_claims(data: &[u8]) {
    let input = text(data);
    let _ = crate::auth::oauth::IdTokenClaims::from_jwt(&input);
    let _ = crate::services::me_from_access_token(&input);
}

/// Settings files: never a panic; every setting pfrm knows is written back and read again the
/// same, and no key is lost. (Keys it does not know are kept as JSON values; serde_json may round
/// the 17th digit of a number among them, which is why those are compared by key only.)
pub fn settings_file(data: &[u8]) {
    use crate::settings::Settings;
    if let Ok(settings) = serde_json::from_slice::<Settings>(data) {
        let written = serde_json::to_string_pretty(&settings).expect("settings serialise");
        let again: Settings = serde_json::from_str(&written).expect("written settings parse");
        let known = |s: &Settings| Settings {
            other: serde_json::Map::new(),
            ..s.clone()
        };
        assert_eq!(known(&again), known(&settings));
        assert!(
            again.other.keys().eq(settings.other.keys()),
            "a key was lost"
        );
    }
}

/// The operation journal: whatever the file holds, opening it never panics.
pub fn journal_file(data: &[u8]) {
    let dir = std::env::temp_dir().join(format!(
        "pfrm-fuzz-journal-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let path = dir.join("operations.json");
    if std::fs::write(&path, data).is_ok() {
        let opened = crate::ops::journal::Journal::open(&path);
        let _ = opened.journal.entries();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fuzz_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
    }

    #[test]
    fn every_target_has_a_libfuzzer_entry_and_a_seed_corpus() {
        for (name, _) in TARGETS {
            let target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
            let source = std::fs::read_to_string(&target)
                .unwrap_or_else(|e| panic!("{}: {e}", target.display()));
            assert!(source.contains(&format!("fuzzing::{name}(")), "{name}");
            let seeds = std::fs::read_dir(fuzz_dir().join("corpus").join(name))
                .map(|entries| entries.count())
                .unwrap_or(0);
            assert!(seeds > 0, "no seed corpus for {name}");
        }
    }

    /// A short random run of every target on the stable toolchain, so CI fuzzes each parser on
    /// every `cargo test` without nightly: the seeds are mutated (bytes flipped, inserted,
    /// deleted, spliced, and tokens that broke parsers before inserted) for a bounded time.
    #[test]
    fn every_target_survives_a_bounded_random_run_over_its_seeds() {
        use rand::{Rng, SeedableRng};
        const TOKENS: &[&[u8]] = &[
            b"..",
            b".",
            b"/",
            b"%2F",
            b"\\",
            b"\0",
            b"\n",
            b"eyJ",
            b"Bearer ",
            b"bearer ",
            b"=",
            b"\"",
            b"{",
            b"}",
            b"[",
            b"]",
            b"<",
            b">",
            b";",
            b",",
            b"://",
            b"@",
            b"9999999999",
            b"-1",
            b"\xff",
            b"\xc3\xa9",
        ];
        let seed: u64 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let per_target = std::time::Duration::from_millis(300);
        let mut runs = 0u64;
        for (name, target) in TARGETS {
            let dir = fuzz_dir().join("corpus").join(name);
            let seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
                .collect();
            let started = std::time::Instant::now();
            while started.elapsed() < per_target {
                let mut data = seeds[rng.random_range(0..seeds.len())].clone();
                for _ in 0..rng.random_range(1..=4) {
                    let at = rng.random_range(0..=data.len());
                    match rng.random_range(0..5) {
                        0 if !data.is_empty() => {
                            let i = rng.random_range(0..data.len());
                            data[i] ^= 1 << rng.random_range(0..8);
                        }
                        1 => data.insert(at, rng.random()),
                        2 if at < data.len() => {
                            let end = rng.random_range(at..=data.len());
                            data.drain(at..end);
                        }
                        3 => {
                            let other = &seeds[rng.random_range(0..seeds.len())];
                            let from = rng.random_range(0..=other.len());
                            data.splice(at..at, other[from..].iter().copied());
                        }
                        _ => {
                            let token = TOKENS[rng.random_range(0..TOKENS.len())];
                            data.splice(at..at, token.iter().copied());
                        }
                    }
                }
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(
                    outcome.is_ok(),
                    "{name} fails on {data:?} (random seed {seed}); add it to fuzz/corpus/{name}/"
                );
                runs += 1;
            }
        }
        println!("{runs} random runs over {} targets", TARGETS.len());
    }

    /// What libFuzzer found, kept as named cases (the inputs are also in the corpora).
    #[test]
    fn fuzz_findings_stay_fixed() {
        // A workspace name ending in `/` reads back as another workspace, never as itself.
        arm_id(b"s\x00rg\x00name/");
        // A `Link` to a scheme-relative or other-scheme target is no next page.
        link_header(b"ps:/E\x00\x00ro; rel=next, <x>; rel=\"t?last=a>; rel=next");
        assert_eq!(
            crate::azure::registry::next_link_in(
                ["<http://mcr.microsoft.com/v2/x>; rel=\"next\""],
                &url::Url::parse("https://mcr.microsoft.com/v2/x?n=1").unwrap()
            ),
            None
        );
        // Retry-After values too large for a Duration (1e20 s, 20 digits) panicked.
        retry_after(b"1e20");
        retry_after(b"66666666666666666666665");
        // A secret inside the action of an AuthorizationFailed message was shown as the action.
        let mut body = b"\x03\x00\x00".to_vec();
        body.extend_from_slice(
            br#"{"error":{"code":"AuthorizationFailed","message":"The client 'a' does not have authorization to perform action 'x?id_token=4e.secret' over scope '/s?sig=abcdef'"}}"#,
        );
        service_error(&body);
        // An action ending in `id_token=` made "' is not allowed" look like its value: the
        // joined message was not a fixed point of the redaction.
        let mut body = b"\x03\x00\x00".to_vec();
        body.extend_from_slice(
            br#"{"error":{"code":"x","message":"The client 'a' does not perform action 'x-id_token=' over scope 's'"}}"#,
        );
        service_error(&body);
        // A long number under a key pfrm does not know keeps its key and every known setting.
        settings_file(br#"{"":[11111111111111111111111]}"#);
    }

    /// The checked-in corpora (seeds and every input that once crashed) pass every check.
    #[test]
    fn the_checked_in_fuzz_corpora_replay_cleanly() {
        let mut replayed = 0;
        for (name, target) in TARGETS {
            let dir = fuzz_dir().join("corpus").join(name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name}: {} fails", path.display());
                replayed += 1;
            }
        }
        assert!(replayed > 0);
        println!("replayed {replayed} fuzz corpus inputs");
    }
}
