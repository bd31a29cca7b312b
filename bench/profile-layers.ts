/**
 * Reads the profiles bench/profile-agent.ts writes (a V8 CPU profile and a sampling allocation
 * profile) and sums them by layer: the service's own directories (src/<dir>), the libraries a request
 * passes through grouped by their role (Strapi's Koa chain, Apollo Server, graphql-js, the database
 * driver, logging), Node's internals and the garbage collector. Used by bench/profile.ts.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

export interface HeapProfile {
  head: HeapNode;
}

/** Packages by the part of a request they serve. */
const ROLES: Array<[RegExp, string]> = [
  [/^(koa|koa-.*|@koa\/.*|helmet|koa-helmet|on-finished|media-typer|type-is|content-type|statuses|accepts|cookies|keygrip|vary|delegates|http-errors|koa-compose|encodeurl|escape-html|fresh|depd|destroy|only|http-assert|ee-first|content-disposition|cache-content-type|mime-types|mime-db)$/, "Strapi's Koa chain (koa, helmet, …)"],
  [/^@apollo\//, 'Apollo Server'],
  [/^(graphql|@graphql-tools\/.*|graphql-scalars)$/, 'graphql-js execution'],
  [/^(@escape\.tech\/graphql-armor.*|graphql-query-complexity)$/, 'query limits (graphql-armor, complexity)'],
  [/^(knex|better-sqlite3|tarn|pg|pg-.*|@strapi\/database)$/, 'database driver (knex, better-sqlite3)'],
  [/^(winston|winston-.*|logform|@strapi\/logger|triple-beam|readable-stream|@colors\/colors|fecha|safe-stable-stringify)$/, 'logging (winston)'],
  [/^prom-client$/, 'metrics (prom-client)'],
  [/^(dataloader|lru-cache)$/, 'DataLoader, LRU'],
  [/^(raw-body|iconv-lite|bytes|unpipe)$/, 'body reading (raw-body)'],
];

/** better-sqlite3's statement methods, native code: where SQLite itself runs. */
const SQLITE_NATIVE = new Set(['all', 'get', 'run', 'iterate', 'raw', 'pluck', 'prepare']);

/**
 * A frame's layer; null for idle time, and for built-ins (JSON.parse, Array methods, …), which are
 * counted to the layer of the JavaScript that called them.
 */
export function layerOf(frame: CallFrame): string | null {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8 (program: compiling, ICs, …)';
    if (functionName === '(root)') return 'other';
    if (SQLITE_NATIVE.has(functionName)) return 'SQLite (better-sqlite3, native)';
    return null;
  }
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage !== null) {
    const name = inPackage[1] as string;
    return ROLES.find(([pattern]) => pattern.test(name))?.[1] ?? name;
  }
  const ours = /\/dist\/(src\/[^/]+|config|bench)\//.exec(url);
  if (ours !== null) return `service: ${ours[1]}`;
  if (url.startsWith('node:')) return 'Node internals (http, streams, timers, …)';
  return 'other';
}

export interface LayerRow {
  layer: string;
  cpuShare: number;
  cpuMsPerRequest: number;
  allocatedKbPerRequest: number;
}

export interface LayerSummary {
  busyMsPerRequest: number;
  allocatedKbPerRequest: number;
  layers: LayerRow[];
  /** The functions with the most self time. */
  hottest: Array<{ name: string; layer: string; cpuShare: number }>;
}

function shortUrl(url: string): string {
  return url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
}

/** Both profiles summed by layer, per request (`requests`: how many were answered while profiling). */
export function summariseByLayer(cpu: CpuProfile, heap: HeapProfile, requests: number): LayerSummary {
  const frames = new Map(cpu.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of cpu.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  /** A built-in's time belongs to its caller's layer. */
  const layerOfNode = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const layer = layerOf(frames.get(at) as CallFrame);
      if (layer !== null) return layer;
    }
    return 'other';
  };
  const cpuByLayer = new Map<string, number>();
  const byFunction = new Map<string, { layer: string; us: number }>();
  let busy = 0;
  cpu.samples.forEach((id, index) => {
    const frame = frames.get(id);
    if (frame === undefined || frame.functionName === '(idle)') return;
    const layer = layerOfNode(id);
    const delta = cpu.timeDeltas[index] ?? 0;
    busy += delta;
    cpuByLayer.set(layer, (cpuByLayer.get(layer) ?? 0) + delta);
    const name = frame.url === '' ? frame.functionName : `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const entry = byFunction.get(name) ?? { layer, us: 0 };
    entry.us += delta;
    byFunction.set(name, entry);
  });

  const allocatedByLayer = new Map<string, number>();
  let allocated = 0;
  const walk = (node: HeapNode, inherited: string) => {
    const layer = layerOf(node.callFrame) ?? inherited;
    if (node.selfSize > 0) {
      allocatedByLayer.set(layer, (allocatedByLayer.get(layer) ?? 0) + node.selfSize);
      allocated += node.selfSize;
    }
    for (const child of node.children) walk(child, layer);
  };
  walk(heap.head, 'other');

  const layers = [...new Set([...cpuByLayer.keys(), ...allocatedByLayer.keys()])]
    .map((layer) => ({
      layer,
      cpuShare: (cpuByLayer.get(layer) ?? 0) / busy,
      cpuMsPerRequest: (cpuByLayer.get(layer) ?? 0) / 1000 / requests,
      allocatedKbPerRequest: (allocatedByLayer.get(layer) ?? 0) / 1024 / requests,
    }))
    .sort((a, b) => b.cpuShare - a.cpuShare || b.allocatedKbPerRequest - a.allocatedKbPerRequest);
  const hottest = [...byFunction]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, 20)
    .map(([name, { layer, us }]) => ({ name, layer, cpuShare: us / busy }));
  return { busyMsPerRequest: busy / 1000 / requests, allocatedKbPerRequest: allocated / 1024 / requests, layers, hottest };
}

/** The summary as Markdown tables. */
export function layerTables(summary: LayerSummary): string[] {
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  return [
    `- CPU busy per request: ${summary.busyMsPerRequest.toFixed(3)} ms (idle excluded)`,
    `- allocated per request: ${summary.allocatedKbPerRequest.toFixed(1)} KiB (sampled, collected objects included)`,
    '',
    '## By layer',
    '',
    '| layer | CPU share | CPU ms per request | allocated KiB per request |',
    '| --- | --- | --- | --- |',
    ...summary.layers
      .filter((row) => row.cpuShare >= 0.001 || row.allocatedKbPerRequest >= 0.1)
      .map((row) => `| ${row.layer} | ${percent(row.cpuShare)} | ${row.cpuMsPerRequest.toFixed(3)} | ${row.allocatedKbPerRequest.toFixed(1)} |`),
    '',
    '## Hottest functions (self time)',
    '',
    '| function | layer | CPU share |',
    '| --- | --- | --- |',
    ...summary.hottest.map((row) => `| \`${row.name.replace(/\|/g, '\\|')}\` | ${row.layer} | ${percent(row.cpuShare)} |`),
  ];
}
