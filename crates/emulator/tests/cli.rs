//! The standalone binary: `--scenario`, `--listen`, `--time-scale`, `--ready-file`.

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_writes_a_ready_file_and_serves_https() {
    let dir = std::env::temp_dir().join(format!("pfrm-emulator-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ready = dir.join("ready.json");
    let _ = std::fs::remove_file(&ready);
    let _child = Child(
        Command::new(env!("CARGO_BIN_EXE_pfrm-emulator"))
            .args([
                "--scenario",
                "returning",
                "--listen",
                "127.0.0.1:0",
                "--time-scale",
                "60",
                "--ready-file",
            ])
            .arg(&ready)
            .arg("--state-dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("binary starts"),
    );
    let started = Instant::now();
    while !ready.exists() {
        assert!(started.elapsed() < Duration::from_secs(30), "no ready file");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let info: Value = serde_json::from_str(&std::fs::read_to_string(&ready).unwrap()).unwrap();
    assert_eq!(info["name"], "pfrm-emulator");
    assert_eq!(info["cloud"], "Custom");
    assert_eq!(info["scenario"], "returning");
    assert_eq!(info["clientId"], "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    assert_eq!(info["users"].as_array().unwrap().len(), 3);
    let ca_path = info["caCertPath"].as_str().unwrap();
    assert_eq!(
        std::fs::read_to_string(ca_path).unwrap(),
        info["caCertPem"].as_str().unwrap()
    );
    for key in [
        "authorityHost",
        "armEndpoint",
        "flowEndpoint",
        "registryEndpoint",
        "graphEndpoint",
        "controlEndpoint",
    ] {
        assert!(
            info[key]
                .as_str()
                .unwrap()
                .starts_with("https://127.0.0.1:"),
            "{key}"
        );
    }
    let ca =
        reqwest::Certificate::from_pem(info["caCertPem"].as_str().unwrap().as_bytes()).unwrap();
    let http = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap();
    let r = http
        .get(format!(
            "{}/{}/v2.0/.well-known/openid-configuration",
            info["authorityHost"].as_str().unwrap(),
            info["tenantId"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A client that does not trust the CA is refused.
    let untrusting = reqwest::Client::builder()
        .tls_certs_only([])
        .build()
        .unwrap();
    assert!(untrusting
        .get(format!(
            "{}/v2/",
            info["registryEndpoint"].as_str().unwrap()
        ))
        .send()
        .await
        .is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
