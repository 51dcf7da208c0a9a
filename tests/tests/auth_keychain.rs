//! The real OS keychain (Secret Service on Linux, run inside `dbus-run-session` with an unlocked
//! gnome-keyring-daemon). Skips with a reason when no keychain is reachable, unless
//! `PFRM_REQUIRE_KEYCHAIN` is set (CI sets it), in which case a missing keychain fails.

use std::sync::Arc;

use pfrm_core::auth::store::{EntryLimit, KeychainStore, SecretStore, TokenVault};
use pfrm_core::secret::Secret;

fn open_keychain(service: &str) -> Option<KeychainStore> {
    let probe = KeychainStore::open(service).and_then(|store| {
        store.set("probe", &Secret::new("probe"))?;
        store.delete("probe")?;
        Ok(store)
    });
    match probe {
        Ok(store) => Some(store),
        Err(failure) => {
            if std::env::var_os("PFRM_REQUIRE_KEYCHAIN").is_some() {
                panic!("PFRM_REQUIRE_KEYCHAIN is set but the keychain is unusable: {failure}");
            }
            eprintln!("SKIPPED: no usable OS keychain ({failure}); run inside dbus-run-session with gnome-keyring-daemon, or set PFRM_REQUIRE_KEYCHAIN to make this a failure");
            None
        }
    }
}

fn unique_service() -> String {
    format!("pfrm-test-{}", std::process::id())
}

#[tokio::test]
async fn store_read_and_delete_in_the_real_keychain() {
    let service = unique_service() + "-small";
    let Some(store) = tokio::task::spawn_blocking(move || open_keychain(&service))
        .await
        .unwrap()
    else {
        return;
    };
    let store = Arc::new(store);
    let vault = TokenVault::new(store.clone());
    vault
        .put("alice", Secret::new("rt-canary-small"))
        .await
        .unwrap();
    assert!(!vault.is_memory_only(), "{:?}", vault.keychain_problem());
    // Read back through a fresh vault (no memory copy): it must come from the keychain.
    let fresh = TokenVault::new(store.clone());
    assert_eq!(
        fresh.get("alice").await.unwrap().unwrap().expose(),
        "rt-canary-small"
    );
    fresh.remove("alice").await.unwrap();
    let reader = store.clone();
    let after = tokio::task::spawn_blocking(move || reader.get("alice"))
        .await
        .unwrap()
        .unwrap();
    assert!(after.is_none());
}

#[tokio::test]
async fn a_large_refresh_token_is_one_item_where_the_keychain_allows_it() {
    let service = unique_service() + "-one-item";
    let Some(store) = tokio::task::spawn_blocking(move || open_keychain(&service))
        .await
        .unwrap()
    else {
        return;
    };
    if store.entry_limit() != EntryLimit::Unlimited {
        eprintln!("SKIPPED: this system's keychain limits an item's size; the next test covers it");
        return;
    }
    let store = Arc::new(store);
    let large = Secret::new("0.ARoAv4j5cvGGr0GRqy180BHbR".repeat(300)); // ~8 KB
    TokenVault::new(store.clone())
        .put("carol", large.clone())
        .await
        .unwrap();
    let reader = store.clone();
    let stored = tokio::task::spawn_blocking(move || reader.get("carol"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, Some(large), "the whole token in the account's item");
    TokenVault::new(store.clone())
        .remove("carol")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_large_refresh_token_survives_the_real_keychain_in_chunks() {
    let service = unique_service() + "-large";
    let Some(store) = tokio::task::spawn_blocking(move || open_keychain(&service))
        .await
        .unwrap()
    else {
        return;
    };
    // Windows' rule on this system's keychain: items of at most 2,560 bytes of UTF-16.
    let store = Arc::new(store.with_entry_limit(EntryLimit::WINDOWS));
    let large = Secret::new("0.ARoAv4j5cvGGr0GRqy180BHbR".repeat(300)); // ~8 KB, over Windows' 2,560 B
    TokenVault::new(store.clone())
        .put("bob", large.clone())
        .await
        .unwrap();
    let header = {
        let reader = store.clone();
        tokio::task::spawn_blocking(move || reader.get("bob"))
            .await
            .unwrap()
            .unwrap()
            .unwrap()
    };
    assert!(
        EntryLimit::WINDOWS.fits(header.expose()),
        "the head entry is within the limit"
    );
    assert_ne!(header, large);
    let fresh = TokenVault::new(store.clone());
    assert_eq!(fresh.get("bob").await.unwrap().unwrap(), large);
    fresh.remove("bob").await.unwrap();
    let again = TokenVault::new(store.clone());
    assert!(again.get("bob").await.unwrap().is_none());
}

#[tokio::test]
async fn without_a_session_bus_the_vault_falls_back_to_memory() {
    // A bus address that cannot exist: the store must fail at once, not hang.
    let result = tokio::task::spawn_blocking(|| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "probe_without_bus", "--ignored", "--nocapture"])
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/pfrm-test-bus",
            )
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(stdout.contains("memory-only: true"), "{stdout}");
}

/// Run by the test above in a child process with a broken bus address.
#[tokio::test]
#[ignore = "run by without_a_session_bus_the_vault_falls_back_to_memory"]
async fn probe_without_bus() {
    let vault = TokenVault::open_system().await;
    vault.put("k", Secret::new("v")).await.unwrap();
    assert!(vault.keychain_problem().is_some(), "no problem reported");
    assert_eq!(vault.get("k").await.unwrap().unwrap().expose(), "v");
    println!("memory-only: {}", vault.is_memory_only());
}
