/** Shown whenever no API key is configured, so nobody mistakes the stand-in's answers for qwen-turbo's. */
export function DemoBanner() {
  return (
    <div role="status" className="border-b border-border bg-accent px-4 py-2 text-center text-sm">
      <strong>Demo model</strong>: replies come from a built-in stand-in. Set <code>AIMLAPI_API_KEY</code> to chat with
      qwen-turbo.
    </div>
  );
}
