import { flatRoutes } from "@remix-run/fs-routes";
import type { RouteConfig } from "@remix-run/route-config";

/**
 * The route tree (Remix's `v3_routeConfig`): the same file-based routes as
 * before, read from app/routes/ by `flatRoutes`, so React Router v7's codemod
 * has a config to carry over. Test files next to routes are not routes.
 */
export default flatRoutes({ ignoredRouteFiles: ["**/*.test.*"] }) satisfies RouteConfig;
