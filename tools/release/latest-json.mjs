// Writes the update feed (`latest.json`) the app's updater reads, from a folder of signed
// installers: every `<installer>.sig` becomes the entry of the platforms that installer serves,
// with the signature inline and the address the release serves the installer from.
//
//   node tools/release/latest-json.mjs FOLDER VERSION BASE_URL > latest.json
//
// The updater looks for `<os>-<arch>-<installer>` first, then `<os>-<arch>`: the plain keys point
// at the installer that updates in place without a package manager (AppImage, msi, the .app).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The platform keys an installer serves, by how its name ends. */
export function platformsOf(name) {
  if (name.endsWith(".AppImage")) return ["linux-x86_64", "linux-x86_64-appimage"];
  if (name.endsWith(".deb")) return ["linux-x86_64-deb"];
  if (name.endsWith(".rpm")) return ["linux-x86_64-rpm"];
  if (name.endsWith(".msi")) return ["windows-x86_64", "windows-x86_64-msi"];
  if (name.endsWith("-setup.exe")) return ["windows-x86_64-nsis"];
  // One universal .app serves Apple silicon and Intel.
  if (name.endsWith(".app.tar.gz")) {
    return ["darwin-aarch64", "darwin-x86_64", "darwin-aarch64-app", "darwin-x86_64-app"];
  }
  return [];
}

export function latestJson(folder, version, baseUrl, now = new Date()) {
  const platforms = {};
  for (const sig of readdirSync(folder).filter((name) => name.endsWith(".sig")).sort()) {
    const installer = sig.slice(0, -".sig".length);
    const signature = readFileSync(join(folder, sig), "utf8").trim();
    for (const key of platformsOf(installer)) {
      platforms[key] = { signature, url: `${baseUrl.replace(/\/$/, "")}/${encodeURIComponent(installer)}` };
    }
  }
  if (Object.keys(platforms).length === 0) {
    throw new Error(`no signed installer (*.sig) in ${folder}`);
  }
  return {
    version: version.replace(/^v/, ""),
    notes: `See the release notes of ${version}.`,
    pub_date: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    platforms,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [folder, version, baseUrl] = process.argv.slice(2);
  if (!folder || !version || !baseUrl) {
    console.error("usage: node latest-json.mjs FOLDER VERSION BASE_URL");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(latestJson(folder, version, baseUrl), null, 2)}\n`);
}
