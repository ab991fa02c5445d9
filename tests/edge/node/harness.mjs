// Test scaffolding: run a generated viewer-request function over requests, as CloudFront would call it.
// argv[2]: a folder holding function.mjs (the generated code + `export { handler }`) and
// node_modules/cloudfront (the stub). stdin: {"store": {...} | null, "requests": [{"uri", "querystring"}]}.
// stdout: one JSON list, per request {"redirect": [status, location]} or {"rewrite": uri}, and "gets".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// CloudFront's query-string object: name → {value}, and multiValue listing every value when a name
// repeats (Developer Guide, "CloudFront Functions event structure"); values are passed as sent.
function querystringObject(raw) {
  const object = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const name = at < 0 ? part : part.slice(0, at);
    const value = at < 0 ? '' : part.slice(at + 1);
    if (!Object.prototype.hasOwnProperty.call(object, name)) {
      object[name] = { value };
    } else {
      const entry = object[name];
      entry.multiValue = entry.multiValue || [{ value: entry.value }];
      entry.multiValue.push({ value });
    }
  }
  return object;
}

const folder = process.argv[2];
const input = JSON.parse(readFileSync(0, 'utf8'));
globalThis.__sitepushStore = input.store || {};
const stub = await import(pathToFileURL(join(folder, 'node_modules', 'cloudfront', 'index.mjs')).href);
const { handler } = await import(pathToFileURL(join(folder, 'function.mjs')).href);
const results = [];
for (const request of input.requests) {
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '127.0.0.1' },
    request: { method: 'GET', uri: request.uri, querystring: querystringObject(request.querystring),
               headers: { host: { value: 'www.example.com' } }, cookies: {} },
  };
  const before = stub.calls.gets;
  const answer = await handler(event);
  const gets = stub.calls.gets - before;
  if (answer.statusCode !== undefined) {
    results.push({ redirect: [answer.statusCode, answer.headers.location.value],
                   description: answer.statusDescription, gets });
  } else {
    results.push({ rewrite: answer.uri, gets });
  }
}
process.stdout.write(JSON.stringify(results));
