import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [
    remix({
      ignoredRouteFiles: ["**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
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
