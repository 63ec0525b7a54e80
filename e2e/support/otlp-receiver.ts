import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as the test reads it from an OTLP/HTTP JSON export. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: OtlpAttribute[] }[] }[];
  }[];
}

const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue ?? ''));
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** Reads a protobuf varint at `pos`: its value and where the next field starts. */
function varint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= buf.length) throw new Error('truncated protobuf varint');
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, pos];
  }
}

/** The length-delimited fields numbered `field` of one protobuf message (`buf[start, end)`), as subranges. */
function lengthDelimited(buf: Buffer, field: number, start = 0, end = buf.length): [number, number][] {
  const found: [number, number][] = [];
  for (let pos = start; pos < end;) {
    const [key, next] = varint(buf, pos);
    const wire = key & 7;
    pos = next;
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [length, from] = varint(buf, pos);
      pos = from + length;
      if (pos > end) throw new Error('truncated protobuf field');
      if (key >>> 3 === field) found.push([from, pos]);
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return found;
}

/**
 * Spans in an OTLP/HTTP protobuf export (`ExportTraceServiceRequest`): resource_spans = 1 → scope_spans = 2
 * → spans = 2. Only counted: the bench needs proof that spans arrived, not their content.
 */
export function countProtobufSpans(buf: Buffer): number {
  let n = 0;
  for (const [rs, rsEnd] of lengthDelimited(buf, 1))
    for (const [ss, ssEnd] of lengthDelimited(buf, 2, rs, rsEnd)) n += lengthDelimited(buf, 2, ss, ssEnd).length;
  return n;
}

export interface OtlpReceiver {
  url: string;
  /** Spans received in the JSON encoding, in full (protobuf exports are only counted). */
  spans: ReceivedSpan[];
  /**
   * Spans received per endpoint path: an exporter pointed at `<url>/<name>` posts to `/<name>/v1/traces`
   * and is counted under `<name>` (`''` for `<url>` itself). Also served as JSON at `GET /counts`.
   */
  counts: Map<string, number>;
  close: () => Promise<void>;
}

/**
 * A test's OTLP receiver on loopback: accepts `POST [/<name>]/v1/traces` in the OTLP/HTTP JSON encoding
 * (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`: every span kept in memory) and in the default protobuf one
 * (spans counted), gzip or not. `bench/otlp-receiver.ts` runs it as a process of its own.
 */
export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const counts = new Map<string, number>();
  const count = (name: string, n: number) => counts.set(name, (counts.get(name) ?? 0) + n);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/counts') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.fromEntries(counts)));
        return;
      }
      const path = /^(?:\/([\w-]+))?\/v1\/traces$/.exec(req.url ?? '');
      const type = String(req.headers['content-type']);
      const json = type.startsWith('application/json');
      if (req.method !== 'POST' || !path || !(json || type.startsWith('application/x-protobuf'))) {
        res.writeHead(404).end();
        return;
      }
      const name = path[1] ?? '';
      try {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        if (!json) {
          count(name, countProtobufSpans(body));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
          return;
        }
        const parsed = JSON.parse(body.toString('utf8')) as OtlpExport;
        for (const rs of parsed.resourceSpans ?? []) {
          const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) {
              count(name, 1);
              spans.push({
                service,
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
                attributes: attributesOf(s.attributes),
              });
            }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (err) {
        // The exporter logs the answer: what did not parse is said, not dropped silently.
        res
          .writeHead(400, { 'content-type': 'text/plain' })
          .end(`not an OTLP trace export: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, spans, counts, close: () => new Promise((r) => server.close(() => r())) };
}
