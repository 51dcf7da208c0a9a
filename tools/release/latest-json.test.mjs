// The update feed the app reads: each signed installer under the keys the updater looks up,
// unsigned files left out, the version without its tag's "v".
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { latestJson } from "./latest-json.mjs";

test("every signed installer is listed under the platforms it serves", () => {
  const folder = mkdtempSync(join(tmpdir(), "pfrm-latest-json-"));
  try {
    const files = {
      "Prompt.Flow.Runtime.Manager_0.2.0_amd64.AppImage.sig": "sig-appimage",
      "Prompt.Flow.Runtime.Manager_0.2.0_amd64.deb.sig": "sig-deb\n",
      "Prompt.Flow.Runtime.Manager_0.2.0_x64_en-US.msi.sig": "sig-msi",
      "Prompt.Flow.Runtime.Manager_0.2.0_x64-setup.exe.sig": "sig-nsis",
      "Prompt.Flow.Runtime.Manager.app.tar.gz.sig": "sig-app",
      "Prompt.Flow.Runtime.Manager_0.2.0_universal.dmg": "unsigned",
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    const feed = latestJson(folder, "v0.2.0", "https://example.test/dl/", new Date("2026-12-06T05:00:00.123Z"));
    assert.equal(feed.version, "0.2.0");
    assert.equal(feed.pub_date, "2026-12-06T05:00:00Z");
    assert.deepEqual(Object.keys(feed.platforms).sort(), [
      "darwin-aarch64", "darwin-aarch64-app", "darwin-x86_64", "darwin-x86_64-app",
      "linux-x86_64", "linux-x86_64-appimage", "linux-x86_64-deb",
      "windows-x86_64", "windows-x86_64-msi", "windows-x86_64-nsis",
    ]);
    assert.deepEqual(feed.platforms["linux-x86_64-deb"], {
      signature: "sig-deb",
      url: "https://example.test/dl/Prompt.Flow.Runtime.Manager_0.2.0_amd64.deb",
    });
    assert.equal(feed.platforms["windows-x86_64"].signature, "sig-msi");
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("a folder without signatures is an error, not an empty feed", () => {
  const folder = mkdtempSync(join(tmpdir(), "pfrm-latest-json-"));
  try {
    writeFileSync(join(folder, "app.deb"), "x");
    assert.throws(() => latestJson(folder, "v1.0.0", "https://example.test"), /no signed installer/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
