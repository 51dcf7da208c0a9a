// Fluent's `tokens` is an object of 467 entries whose values are, nearly all, `var(--<the entry's
// name>)`: ~30 kB of JavaScript (~4 kB gzipped) for what one line computes. The built UI gets a
// stand-in that answers every name so; the few entries that differ (the z-index layers, which
// carry a fallback) are taken from Fluent's own object at build time, so they stay in step with it.
// Nothing lists the tokens (each is read by name), which a stand-in could not answer.
import { createRequire } from 'node:module';

const FILE = /[\\/]@fluentui[\\/]tokens[\\/]lib[\\/]tokens\.js$/;

/** The stand-in module's source. */
export function tokensModule() {
  const { tokens } = createRequire(import.meta.url)('@fluentui/tokens');
  const differing = Object.fromEntries(Object.entries(tokens).filter(([name, value]) => value !== `var(--${name})`));
  return (
    `const differing = ${JSON.stringify(differing)};\n` +
    'export const tokens = new Proxy({}, { get: (_, name) => typeof name !== "string" ? undefined : differing[name] ?? `var(--${name})` });\n'
  );
}

/** The Vite plugin that puts the stand-in in place of Fluent's tokens module. */
export function cssVariableTokens() {
  return {
    name: 'pfrm-css-variable-tokens',
    enforce: 'pre',
    load: (id) => (FILE.test(id) ? tokensModule() : null),
  };
}
