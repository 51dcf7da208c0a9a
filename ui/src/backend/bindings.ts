// Generated from the Rust types in crates/core by `cargo xtask bindings`. Do not edit.

export type ErrorCode = "invalid_input" | "not_found" | "conflict" | "permission_denied" | "sign_in_required" | "network" | "throttled" | "service_unavailable" | "service" | "cancelled" | "timeout" | "config" | "keychain" | "internal";

export type AppError = { code: ErrorCode, message: string, remedy?: string, details?: Record<string, unknown>, };
