//! Secrets planted where a diagnostics bundle reads (log files, the journal) and the scan that
//! proves none of them reached the zip: shared by the `pfrm diagnose` test and the desktop app's.

use std::path::Path;

/// A storage account key, a client secret and an email address: with a bearer token (passed in,
/// so it can be one the emulator really issued), every kind the bundle must take out.
pub const ACCOUNT_KEY: &str = "Q2FuYXJ5S2V5Rm9yU3RvcmFnZQ";
pub const CLIENT_SECRET: &str = "canary-client-secret-42";
pub const EMAIL: &str = "alice@contoso.com";

/// A JWT-shaped token for tests that have no emulator to issue one.
pub const JWT: &str =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5";

/// Every canary, the token first.
pub fn canaries(token: &str) -> Vec<String> {
    vec![
        token.to_owned(),
        ACCOUNT_KEY.to_owned(),
        CLIENT_SECRET.to_owned(),
        EMAIL.to_owned(),
    ]
}

/// Log lines as the app could have written them before redaction existed, each holding one
/// canary.
pub fn log_text(token: &str) -> String {
    format!(
        "DEBUG sent Authorization: Bearer {token}\n\
         DEBUG DefaultEndpointsProtocol=https;AccountName=st1;AccountKey={ACCOUNT_KEY}==;EndpointSuffix=core.windows.net\n\
         DEBUG client_secret={CLIENT_SECRET}&a=b\n\
         INFO signed in as {EMAIL}\n"
    )
}

/// What a scan of a zip found.
#[derive(Debug, Default)]
pub struct ZipScan {
    /// The entries, in the zip's order.
    pub names: Vec<String>,
    /// `entry holds canary`, one per hit: empty when nothing leaked.
    pub hits: Vec<String>,
    /// Each entry's text, by name.
    pub texts: std::collections::BTreeMap<String, String>,
}

/// Reads every entry of the zip at `path` and looks for every canary in it.
pub fn scan_zip(path: &Path, canaries: &[String]) -> ZipScan {
    let file = std::fs::File::open(path)
        .unwrap_or_else(|error| panic!("open {}: {error}", path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("a readable zip");
    let mut scan = ZipScan::default();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("a readable entry");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).expect("a text entry");
        for canary in canaries {
            if text.contains(canary.as_str()) {
                scan.hits.push(format!("{} holds {canary}", entry.name()));
            }
        }
        scan.names.push(entry.name().to_owned());
        scan.texts.insert(entry.name().to_owned(), text);
    }
    scan
}
