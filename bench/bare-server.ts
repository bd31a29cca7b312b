/**
 * The ceiling: a bare node:http server answering every request with fixed bytes (bench P3). Given a
 * second file (a JSON object of header names and values), it sends those headers too, set one by one
 * as the service sets its own: the ceiling for an answer that must carry the service's headers.
 */
import { readFileSync } from 'fs';
import http from 'http';

const body = readFileSync(process.argv[2] ?? '');
const headersFile = process.argv[3];
const headers = headersFile === undefined ? {} : (JSON.parse(readFileSync(headersFile, 'utf8')) as Record<string, string>);
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (headersFile === undefined) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    } else {
      for (const name in headers) response.setHeader(name, headers[name] as string);
      response.setHeader('content-length', body.length);
    }
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address !== 'string') console.log(String(address.port));
});
