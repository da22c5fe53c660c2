// The IPC types, for the whole UI: import them from here, never from bindings.ts directly.
// bindings.ts is generated from Rust (scripts/gen-bindings.sh).
export type * from '../bindings';
