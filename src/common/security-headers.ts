import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** The pages a browser renders: Swagger UI (/docs, /docs-json) and the console (/console). */
const PAGE_PATH = /^\/(?:docs|console)(?:[/?#-]|$)/;

/**
 * helmet's headers, by what a response is. Pages get helmet's full set, with a CSP Swagger UI and
 * the console work under. JSON responses get what matters for an API (OWASP REST Security): a
 * CSP that allows nothing, no framing, `nosniff`, HSTS, no referrer, no X-Powered-By. The
 * headers that only steer how a browser treats a document it renders (cross-origin isolation,
 * DNS prefetch, downloads, Flash/PDF policies, the XSS auditor) were seven more headers on
 * every API response, about a tenth of a `GET /health`.
 */
export function securityHeaders(): RequestHandler {
  const pages = helmet({
    // Swagger UI (/docs) needs inline styles and data: images.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // The service may be served over plain HTTP on an internal network: keep /docs working.
        upgradeInsecureRequests: null,
      },
    },
  });
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    xFrameOptions: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (request: Request, response: Response, next: NextFunction) =>
    (PAGE_PATH.test(request.url) ? pages : api)(request, response, next);
}

/**
 * CORS headers only where a browser asks for them (the request has an Origin). Calls from
 * servers and bots carry none, and get only `Vary: Origin`, so that no shared cache hands their
 * answer to a browser on another origin.
 */
export function corsWhenAsked(cors: RequestHandler): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.headers.origin !== undefined) {
      cors(request, response, next);
      return;
    }
    response.setHeader('Vary', 'Origin');
    next();
  };
}
