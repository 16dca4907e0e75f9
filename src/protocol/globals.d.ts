// src/protocol is pure: no node or DOM types. These two encoders exist in every runtime
// Sotto runs in (Node, Electron, Chromium) and are pure functions of their input.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
