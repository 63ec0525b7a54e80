import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import cors from 'cors';
import fetcher from 'make-fetch-happen';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { ApolloGateway } from '@apollo/gateway';
import { listen, maskErrors, mountHealth, REQUEST_ID_HEADER, type Logger, type RunningServer } from '@shop/kit';
import { callerFromAuthorization } from './auth.js';
import { subgraphUrlOverrides, type GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { SignedDataSource } from './datasource.js';
import { invoicePdfRoute } from './invoice-pdf.js';

export const DEFAULT_SUPERGRAPH = new URL('../../schema/supergraph.graphql', import.meta.url);

export interface Gateway {
  app: Express;
  listen: (port: number, host?: string) => Promise<RunningServer>;
  /** Subgraph names with the URLs actually used. */
  subgraphs: Record<string, string>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export async function buildGateway(config: GatewayConfig, log: Logger): Promise<Gateway> {
  const production = config.NODE_ENV === 'production';
  const overrides = subgraphUrlOverrides(config);
  const subgraphs: Record<string, string> = {};
  // One keep-alive pool with bounded sockets for all subgraph calls (Apollo's gateway-performance advice).
  const pooled = fetcher.defaults({ maxSockets: config.MAX_SUBGRAPH_SOCKETS, retry: false, timeout: config.SUBGRAPH_TIMEOUT_MS });
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(config.SUPERGRAPH_PATH ?? DEFAULT_SUPERGRAPH, 'utf8'),
    buildService: ({ name, url }) => {
      const target = overrides[name] ?? url!;
      subgraphs[name] = target;
      return new SignedDataSource({ name, url: target, fetcher: pooled as never, secret: config.GATEWAY_SIGNING_SECRET });
    },
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !production,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: maskErrors((err) => log.error({ err }, 'internal error')),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({
            embed: { runTelemetry: false, endpointIsEditable: false },
            footer: false,
            includeCookies: false,
          }),
    ],
  });
  await server.start();

  const jwtSecret = new TextEncoder().encode(config.JWT_SECRET);
  let lastCheck = { at: 0, ok: false };
  mountHealth(app, [
    {
      name: 'subgraphs',
      check: async () => {
        if (Date.now() - lastCheck.at > 5_000) {
          const ok = await gateway.serviceHealthCheck().then(
            () => true,
            () => false,
          );
          lastCheck = { at: Date.now(), ok };
        }
        return lastCheck.ok;
      },
    },
  ]);
  app.use(
    '/graphql',
    cors(config.CORS_ORIGINS.length ? { origin: config.CORS_ORIGINS } : { origin: !production }),
    express.json({ limit: config.MAX_BODY_BYTES }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        const given = req.header(REQUEST_ID_HEADER);
        return {
          caller: await callerFromAuthorization(req.header('authorization'), jwtSecret),
          requestId: given && REQUEST_ID.test(given) ? given : randomUUID(),
        };
      },
    }),
  );
  app.get('/invoices/:file', invoicePdfRoute({ config, log, invoiceUrl: () => subgraphs.invoice ?? overrides.invoice }));
  app.get('/', (_req, res) => res.redirect('/graphql'));

  return {
    app,
    subgraphs,
    listen: (port, host = '127.0.0.1') => listen(httpServer, port, host, () => server.stop()),
  };
}
