//! Long operations (the Activity panel): the list, cancelling one, clearing the finished ones,
//! and the one stream of every change.

use pfrm_core::ops::OperationSnapshot;
use tauri::ipc::Channel;

use super::{Host, Reply};

pub async fn list_operations(host: &Host) -> Reply<Vec<OperationSnapshot>> {
    Ok(host.session().operations().list())
}

pub async fn cancel_operation(host: &Host, operation_id: String) -> Reply<()> {
    host.session().operations().cancel(&operation_id)
}

pub async fn clear_finished_operations(host: &Host) -> Reply<()> {
    host.session().operations().clear_finished();
    Ok(())
}

/// Streams every operation change to the UI until the window goes away.
pub async fn watch_operations(host: &Host, on_update: Channel<OperationSnapshot>) -> Reply<()> {
    let operations = &host.session().operations();
    let mut updates = operations.subscribe();
    for snapshot in operations.list() {
        let _ = on_update.send(snapshot);
    }
    tauri::async_runtime::spawn(async move {
        loop {
            match updates.recv().await {
                Ok(snapshot) => {
                    if on_update.send(snapshot).is_err() {
                        break;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    Ok(())
}
