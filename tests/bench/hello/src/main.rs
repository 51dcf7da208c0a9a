//! A bare Tauri window whose page reports its first paint, exactly as pfrm's UI does.

use std::time::Instant;

struct Started(Instant);

#[tauri::command]
fn frontend_ready(started: tauri::State<'_, Started>) {
    eprintln!("PFRM_FRONTEND_READY {}", started.0.elapsed().as_micros());
}

fn main() {
    let started = Started(Instant::now());
    tauri::Builder::default()
        .manage(started)
        .invoke_handler(tauri::generate_handler![frontend_ready])
        .run(tauri::generate_context!())
        .expect("run the app");
}
