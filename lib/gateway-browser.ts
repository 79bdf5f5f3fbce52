/**
 * What the browser gets instead of `@ai-sdk/gateway` (aliased in next.config.ts).
 *
 * `ai`'s entry point creates Vercel's AI Gateway provider at module load, so every client bundle that
 * imports `ai` (the chat transport does, through @ai-sdk/react) carried the gateway's zod schemas, its
 * OIDC client and a Buffer polyfill: ~30 KB gzipped of first-load JS for a provider this app never
 * uses anywhere, least of all in the browser (the upstream is called from the server only). `ai` only
 * asks these exports "is this error yours?" and reaches for the provider when a model is named by a
 * string, which the browser never does; so the checks say no and the provider refuses loudly.
 */
const notAvailable = (): never => {
  throw new Error('The AI Gateway provider is not available in the browser; models are called from the server.');
};

class GatewayErrorStub extends Error {
  static isInstance(_error: unknown): boolean {
    return false;
  }
}

export const GatewayError = GatewayErrorStub;
export const GatewayAuthenticationError = GatewayErrorStub;
export const createGateway = notAvailable;
export const gateway = new Proxy(notAvailable, { get: notAvailable, apply: notAvailable });
