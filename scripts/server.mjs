#!/usr/bin/env node
// The production server (`npm start` runs it after building): express serving
// build/client and the Remix server build, as remix-serve does, plus one thing
// remix-serve cannot do: refuse a cross-site state-changing request with 403
// before Remix's own check, which answers such requests with a bare 500.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const build = await import(pathToFileURL(path.join(root, "build/server/index.js")).href);
const { isSameOriginRequest } = build.entry.module;
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST; // unset: every interface, as remix-serve

const app = express();
app.disable("x-powered-by");
// Only the configured reverse proxies are believed about the client's address
// (X-Forwarded-For) and scheme (X-Forwarded-Proto); see README.
const trustedProxies = (process.env.TRUSTED_PROXIES ?? "").split(",").map((p) => p.trim()).filter(Boolean);
app.set("trust proxy", trustedProxies.length ? trustedProxies : false);
app.use(compression());
app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));

app.use((req, res, next) => {
  if (!["POST", "PUT", "PATCH", "DELETE"].includes(req.method)) return next();
  const forwardedHost = req.get("x-forwarded-host")?.split(",")[0]?.trim();
  const allowed = isSameOriginRequest({
    siteOrigin: `${req.protocol}://${forwardedHost || req.get("host")}`,
    origin: req.get("origin") ?? null,
    referer: req.get("referer") ?? null,
    secFetchSite: req.get("sec-fetch-site") ?? null,
  });
  if (allowed) return next();
  res
    .status(403)
    .set("Connection", "close")
    .type("text/plain; charset=utf-8")
    .send("This form was sent from another site, so it was refused. Please post from this site's page.");
});

app.all(
  "*",
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    // req.ip is the direct peer, or X-Forwarded-For's client when the peer is a trusted proxy.
    getLoadContext: (req) => ({ clientAddress: req.ip ?? null }),
  }),
);

const server = app.listen(port, host, () => {
  console.log(`Staffroom is serving http://localhost:${port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
