import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: "build", precompress: true }),
      alias: { $lib: "src/lib" },
      csp: {
        mode: "hash",
        directives: {
          "default-src": ["self"],
          "script-src": ["self"],
          "style-src": ["self", "unsafe-inline"],
          "img-src": ["self", "data:", "blob:", "http:", "https:"],
          "connect-src": ["self", "http:", "https:", "ws:", "wss:"],
          "media-src": ["self", "blob:", "http:", "https:"],
          "frame-ancestors": ["none"],
        },
      },
    }),
  ],
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
  build: { target: "es2022" },
});
