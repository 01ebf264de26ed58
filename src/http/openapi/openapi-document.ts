/**
 * Builds the OpenAPI 3.1 document of the control API from the route entries (api-operations.ts)
 * and the zod schemas they name: request bodies are described by the same schemas that validate
 * them (their input side: what a client sends), answers by response.schemas.ts. Every named
 * schema becomes a component and is referenced, never copied. The answers every route shares
 * are added here: 401 and 500 on the token-guarded routes, 400 where a body or query is
 * validated, 413 where a body is read, 409 on the writer-only routes.
 */
import { z } from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import { API_OPERATIONS, REQUEST_COMPONENTS } from './api-operations.js';
import { INSPECTOR_COMPONENTS } from './inspector-operations.js';
import { refused, type Answer, type ApiOperation } from './openapi-operation.js';
import { RESPONSE_COMPONENTS } from './response.schemas.js';

type JsonObject = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';

const INFO = {
  title: 'Keel control API',
  version: packageJson.version,
  description: 'Control and observe Keel, a safety-first trading engine for US equities on Alpaca. JSON in and out, camelCase; '
    + 'money as decimal strings, instants as epoch milliseconds, null where a value is undefined. Every /api/* route and /metrics need '
    + '`Authorization: Bearer <token>` or the dashboard\'s session cookie, except this document and signing in. Errors have one shape: `{ "error": { "code", "message", … } }`.',
};

const TAGS = [
  { name: 'health', description: 'readiness (no token)' },
  { name: 'bot', description: 'lifecycle, trading mode, reconciliation and the kill switch' },
  { name: 'config', description: 'the trading settings' },
  { name: 'signals', description: 'signal intake, the signal log and semi-auto approvals' },
  { name: 'trades', description: 'the trade journal' },
  { name: 'performance', description: 'is it making money: statistics of one trading mode, never mixed' },
  { name: 'reference', description: 'this document and its reference page (no token), Prometheus metrics (token)' },
  { name: 'dashboard', description: 'the web page and its files (no token; the page signs in)' },
  { name: 'session', description: "the dashboard's sign-in and its live event stream" },
  { name: 'inspector', description: 'the statecharts and their live actors, step by step' },
];

const SHARED = {
  400: refused('VALIDATION_FAILED', '1 invalid field: symbol', 'the request is invalid: `issues` lists every problem; nothing changed'),
  401: refused('UNAUTHORIZED', 'missing or invalid bearer token', 'missing or invalid bearer token'),
  403: refused('CROSS_SITE_REQUEST', 'a session request that changes something must carry X-Keel-Request: 1 from this origin',
    'signed in by the session cookie, but without the `X-Keel-Request: 1` header or from another Origin (a cross-site form cannot set the header)'),
  409: refused('ANOTHER_INSTANCE_ACTIVE', 'another Keel instance holds the writer lease on this database: send this to the instance that trades', 'another Keel instance holds the writer lease: this one is read-only'),
  413: refused('PAYLOAD_TOO_LARGE', 'body exceeds 65536 bytes', 'the body is larger than 64 KiB'),
  500: refused('INTERNAL', 'internal error', 'an unexpected error (logged; the answer carries no detail)'),
};

/** `/api/signals/:id` → `/api/signals/{id}` */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:(\w+)/g, '{$1}');
}

/** the registry's JSON Schema of every component, without the per-schema $schema/$id */
function buildComponents(): { schemas: Record<string, JsonObject>; ref: (schema: z.ZodType) => JsonObject } {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries({ ...RESPONSE_COMPONENTS, ...INSPECTOR_COMPONENTS, ...REQUEST_COMPONENTS })) {
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  const converted = z.toJSONSchema(registry, { uri: (id) => `${COMPONENT_PREFIX}${id}`, io: 'input', unrepresentable: 'any' }).schemas;
  const schemas: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(converted)) {
    const { $schema: _s, $id: _i, ...rest } = schema as JsonObject;
    schemas[id] = rest;
  }
  const ref = (schema: z.ZodType): JsonObject => {
    const id = ids.get(schema);
    if (id === undefined) throw new Error('an answer or body schema of the OpenAPI document must be one of its named components');
    return { $ref: `${COMPONENT_PREFIX}${id}` };
  };
  return { schemas, ref };
}

/** e.g. POST /api/signals/:id/approve → postSignalsIdApprove */
function operationId(op: ApiOperation): string {
  const words = op.path.split(/[/:-]/).filter((w) => w !== '' && w !== 'api');
  return op.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('').replace(/\W/g, '');
}

function queryParameters(query: z.ZodObject): JsonObject[] {
  const schema = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property,
  }));
}

function answersOf(op: ApiOperation): Record<number, Answer> {
  const answers: Record<number, Answer> = { ...op.responses };
  const add = (status: keyof typeof SHARED) => { answers[status] ??= SHARED[status]; };
  if (op.body || op.query) add(400);
  if (!op.public) add(401);
  if (!op.public && op.method !== 'get') add(403);
  if (op.writerOnly) add(409);
  if (op.body) add(413);
  if (!op.public) add(500);
  return answers;
}

function operationObject(op: ApiOperation, ref: (schema: z.ZodType) => JsonObject): JsonObject {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...(op.query ? queryParameters(op.query) : []),
  ];
  const responses: JsonObject = {};
  for (const [status, answer] of Object.entries(answersOf(op))) {
    if (answer.mediaType === null) {
      responses[status] = { description: answer.description };
      continue;
    }
    const mediaType = answer.mediaType ?? 'application/json';
    const media: JsonObject = answer.schema ? { schema: ref(answer.schema) } : {};
    if (answer.example !== undefined) media['example'] = answer.example;
    responses[status] = { description: answer.description, content: { [mediaType]: media } };
  }
  return {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body ? {
      requestBody: { required: !op.body.optional, content: { 'application/json': { schema: ref(op.body.schema), example: op.body.example } } },
    } : {}),
    responses,
  };
}

export function buildOpenApiDocument(operations: readonly ApiOperation[] = API_OPERATIONS): JsonObject {
  const { schemas, ref } = buildComponents();
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of operations) {
    const path = (paths[openApiPath(op.path)] ??= {});
    if (path[op.method]) throw new Error(`the OpenAPI document describes ${op.method.toUpperCase()} ${op.path} twice`);
    path[op.method] = operationObject(op, ref);
  }
  return {
    openapi: '3.1.0',
    info: INFO,
    tags: TAGS,
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the API token: KEEL_API_TOKEN, or the one Keel generated into KEEL_DATA_DIR/api-token' } },
      schemas,
    },
  };
}

let cached: JsonObject | null = null;

/** the document is the same for the life of the process: built once, on first use */
export function openApiDocument(): JsonObject {
  cached ??= buildOpenApiDocument();
  return cached;
}
