/** The ceiling: a bare node:http server answering every request with fixed bytes (bench P3). */
import { readFileSync } from 'fs';
import http from 'http';

const body = readFileSync(process.argv[2] ?? '');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address !== 'string') console.log(String(address.port));
});
