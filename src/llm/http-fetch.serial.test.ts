import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHttpFetch } from './http-fetch.js';

// A raw node:http server (not the LLM test server): each path shows one way a response can go.
let server: Server;
let base: string;
const sockets = new Set<unknown>();
beforeAll(async () => {
  server = createServer((request, response) => {
    sockets.add(request.socket);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/echo') {
        response.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r-1', 'set-cookie': ['a=1', 'b=2'] });
        response.end(JSON.stringify({ method: request.method, body, auth: request.headers.authorization ?? null }));
      } else if (request.url === '/slow') {
        setTimeout(() => response.end('late'), 5_000).unref();
      } else if (request.url === '/cut') {
        // Promises 1000 bytes, sends 10, then drops the connection.
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{"partial"');
        setTimeout(() => request.socket.destroy(), 20);
      } else {
        response.writeHead(429, { 'retry-after': '3' });
        response.end('slow down');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('a response reads as fetch would: status, ok, headers case-insensitive, JSON body; request headers and body arrive', async () => {
  const http = createHttpFetch();
  const response = await http.fetch(`${base}/echo`, { method: 'POST', body: '{"x":"é"}', headers: new Headers({ Authorization: 'Bearer k' }) });
  expect(response.status).toBe(201);
  expect(response.ok).toBe(true);
  expect(response.headers.get('X-Request-Id')).toBe('r-1');
  expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
  expect(response.headers.get('missing')).toBeNull();
  expect(await response.json()).toEqual({ method: 'POST', body: '{"x":"é"}', auth: 'Bearer k' });
  http.close();
});

test('an error status is a response, not a throw, and its headers (Retry-After) are readable', async () => {
  const http = createHttpFetch();
  const response = await http.fetch(`${base}/limited`, { method: 'GET' });
  expect(response.ok).toBe(false);
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe('3');
  expect(await response.text()).toBe('slow down');
  http.close();
});

test('connections are kept alive and reused', async () => {
  const http = createHttpFetch();
  sockets.clear();
  for (let index = 0; index < 5; index += 1) await (await http.fetch(`${base}/echo`, { method: 'POST', body: 'x' })).text();
  expect(sockets.size).toBe(1);
  http.close();
});

test('aborting the signal rejects with an AbortError at once; an already aborted signal sends nothing', async () => {
  const http = createHttpFetch();
  const controller = new AbortController();
  const pending = http.fetch(`${base}/slow`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const started = Date.now();
  await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  expect(Date.now() - started).toBeLessThan(4_000);
  await expect(http.fetch(`${base}/echo`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  http.close();
});

test('a connection dropped mid-body is a fetch failure, never a short body', async () => {
  const http = createHttpFetch();
  await expect(http.fetch(`${base}/cut`)).rejects.toThrow(/fetch failed/);
  http.close();
});

test('a refused connection is a fetch failure with the cause', async () => {
  const http = createHttpFetch();
  const error = await http.fetch('http://127.0.0.1:1/v1').catch((caught: unknown) => caught as TypeError);
  expect(error).toBeInstanceOf(TypeError);
  expect(String((error as TypeError).cause)).toMatch(/ECONNREFUSED/);
  http.close();
});
