// Same signal as pfrm's UI: two frames after the first render, tell the backend.
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke('frontend_ready')),
);
