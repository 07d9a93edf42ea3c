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
const { isSameOriginRequest, refusalOf, getEnv, boot } = build.entry.module;

let env;
try {
  env = getEnv();
  // Database, migrations, demo content and workers before the first request,
  // not during it (app/boot.server.ts).
  await boot();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const app = express();
app.disable("x-powered-by");
// Only the configured reverse proxies are believed about the client's address
// (X-Forwarded-For) and scheme (X-Forwarded-Proto); see README.
app.set("trust proxy", env.TRUSTED_PROXIES.length ? env.TRUSTED_PROXIES : false);
// Answer a request only after reading (and dropping) its body: answering while
// the client is still sending would reset the connection before it sees why.
function answerAfterBody(req, res, answer) {
  const send = () => {
    if (!res.headersSent) answer();
  };
  if (req.readableEnded) return send();
  req.once("end", send);
  req.once("error", send);
  req.resume();
}

// Methods the site does not answer (405 with Allow), OPTIONS (204 with Allow),
// and addresses no route can take (malformed %-escapes, NUL): refused here, so
// no route answers them with a 500 (app/http/request-shape.ts).
app.use((req, res, next) => {
  const refusal = refusalOf({ method: req.method, url: req.originalUrl });
  if (!refusal) return next();
  answerAfterBody(req, res, () => res.status(refusal.status).set(refusal.headers).send(refusal.text));
});

app.use(compression());
app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
// Images saved in the editor since the last build (Keystatic writes to public/).
app.use(express.static(path.join(process.cwd(), "public"), { maxAge: "5m" }));

// X-Forwarded-Host is believed only from a trusted proxy, as express does for
// the other forwarded headers: @remix-run/express would otherwise build the
// request URL (and so canonical links, feeds and the sitemap, which caches
// may keep) from whatever host a client sends.
const trustsPeer = app.get("trust proxy fn");
app.use((req, _res, next) => {
  if (req.headers["x-forwarded-host"] !== undefined && !trustsPeer(req.socket.remoteAddress, 0)) {
    delete req.headers["x-forwarded-host"];
  }
  next();
});

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
  answerAfterBody(req, res, () =>
    res
      .status(403)
      .type("text/plain; charset=utf-8")
      .send("This form was sent from another site, so it was refused. Please post from this site's page."),
  );
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

const server = app.listen(env.PORT, env.HOST, () => {
  console.log(`Staffroom is serving http://localhost:${env.PORT}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
