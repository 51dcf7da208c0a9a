import type { Plugin } from 'vite';

/** The stand-in module's source. */
export function tokensModule(): string;
/** The Vite plugin that puts the stand-in in place of Fluent's tokens module. */
export function cssVariableTokens(): Plugin;
