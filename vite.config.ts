import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

// Single fetch's types: loaders' and actions' data reach components as
// turbo-stream delivers it, not as JSON would (Remix single fetch guide).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [
    remix({
      // Every v3 flag, so the move to React Router v7 is its codemod alone.
      // Routes are listed in app/routes.ts (v3_routeConfig).
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: true,
      },
    }),
  ],
  resolve: {
    alias: { "~": new URL("./app", import.meta.url).pathname },
  },
  // Pre-bundled so the first /keystatic visit in dev does not reload into a 404
  // (shared/STACK-NOTES.md).
  optimizeDeps: {
    include: ["@keystatic/core", "@keystatic/core/ui", "@keystatic/remix/ui"],
  },
  server: {
    watch: { ignored: ["**/.data/**", "**/build/**"] },
  },
});
