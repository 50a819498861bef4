// A static file server on 127.0.0.1 for a built site, the way the CDN serves
// it: `/dir/` → `/dir/index.html`, gzip when asked, long cache for
// fingerprinted assets (`?h=`) and short for pages, the 404 page for the rest.
// `node serve.mjs <dir> <port>` serves until stopped.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.txt': 'text/plain', '.json': 'application/json' };

export function serve(root, port = 0) {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? path + 'index.html' : path);
    try {
      let body = await readFile(file);
      const headers = {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Cache-Control': request.url.includes('?h=') ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      };
      if ((request.headers['accept-encoding'] || '').includes('gzip') && /text|xml|json|svg|javascript/.test(headers['Content-Type'])) {
        body = gzipSync(body);
        headers['Content-Encoding'] = 'gzip';
      }
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': TYPES['.html'] });
      response.end(await readFile(join(root, '404.html')).catch(() => 'Not found'));
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await serve(process.argv[2], Number(process.argv[3] || 0));
  console.log(url);
}
