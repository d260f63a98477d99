import express from 'express';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import { AppConfig } from '../config/app-config';
import { createHttpLogger, createRootLogger } from './http-logger';

/** An Express app with the HTTP logger, writing its JSON lines into `lines`. */
function appWithLogger(env: Record<string, string> = {}) {
  const lines: Array<Record<string, any>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = AppConfig.fromEnv({ NODE_ENV: 'production', ...env });
  const app = express();
  app.use(createHttpLogger(createRootLogger(config, sink)));
  app.get('/things/:id', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/broken', (_req, res) => {
    res.status(503).json({});
  });
  return { app, lines };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(createHttpLogger.name, () => {
  it('writes one JSON line per request: method, url, route, status, latency, request id', async () => {
    const { app, lines } = appWithLogger();
    const response = await request(app).get('/things/42').set('X-Request-Id', 'req-1').expect(200);
    await settle();
    expect(response.headers['x-request-id']).toBe('req-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'req-1', method: 'GET', url: '/things/42' },
      route: '/things/:id',
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('generates a request id when none (or an unsafe one) is given', async () => {
    const { app, lines } = appWithLogger();
    const response = await request(app).get('/things/1').set('X-Request-Id', 'a b\tc');
    await settle();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines[0].req.id).toBe(response.headers['x-request-id']);
  });

  it('redacts credentials: Authorization, X-API-Key', async () => {
    const { app, lines } = appWithLogger();
    await request(app)
      .get('/things/1')
      .set('Authorization', 'Bearer super-secret-admin-key')
      .set('X-API-Key', 'lds_secret-intake-key');
    await settle();
    const text = JSON.stringify(lines);
    expect(text).not.toContain('super-secret-admin-key');
    expect(text).not.toContain('lds_secret-intake-key');
    expect(lines[0].req.headers).toMatchObject({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
    });
  });

  it('logs a 5xx at error level, without an invented stack trace', async () => {
    const { app, lines } = appWithLogger();
    await request(app).get('/broken').expect(503);
    await settle();
    expect(lines[0]).toMatchObject({ level: 50, res: { statusCode: 503 } });
    expect(lines[0].err).toBeUndefined();
  });

  it('does no logging work below the level: no child logger, no serialisation', async () => {
    const config = AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'warn' });
    const root = createRootLogger(config, new Writable({ write: (_c, _e, done) => done() }));
    const child = jest.spyOn(root, 'child');
    const info = jest.spyOn(root, 'info');
    const error = jest.spyOn(root, 'error');
    const app = express();
    app.use(createHttpLogger(root));
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/broken', (_req, res) => {
      res.status(500).json({});
    });
    const response = await request(app).get('/ok').expect(200);
    await settle();
    expect(response.headers['x-request-id']).toBeDefined();
    expect(child).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    await request(app).get('/broken').expect(500);
    await settle();
    expect(error).toHaveBeenCalledTimes(1);
    expect(child).not.toHaveBeenCalled();
  });

  it('logs a request the client abandoned at info: a client that goes away is not an error', async () => {
    const { app, lines } = appWithLogger();
    app.get('/slow', () => undefined); // never answers
    const server = app.listen(0);
    try {
      const { port } = server.address() as { port: number };
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 30, msg: 'request aborted', req: { url: '/slow' } });
    } finally {
      server.close();
    }
  });

  it("logs the console's answered background refreshes at debug, and their failures at info or error", async () => {
    const { app, lines } = appWithLogger({ LOG_LEVEL: 'debug' });
    await request(app).get('/things/1').set('X-Background-Refresh', '1').expect(200);
    await request(app).get('/nowhere').set('X-Background-Refresh', '1').expect(404);
    await request(app).get('/broken').set('X-Background-Refresh', '1').expect(503);
    await settle();
    expect(lines.map((line) => [line.req.url, line.level])).toEqual([
      ['/things/1', 20],
      ['/nowhere', 30],
      ['/broken', 50],
    ]);
    const info = appWithLogger({ LOG_LEVEL: 'info' });
    await request(info.app).get('/things/1').set('X-Background-Refresh', '1').expect(200);
    await settle();
    expect(info.lines).toEqual([]);
  });

  it('honours LOG_LEVEL', async () => {
    const { app, lines } = appWithLogger({ LOG_LEVEL: 'warn' });
    await request(app).get('/things/1').expect(200);
    await request(app).get('/broken').expect(503);
    await settle();
    expect(lines.map((l) => l.res.statusCode)).toEqual([503]);
  });
});
