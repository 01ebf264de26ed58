/**
 * Validates JSON against Alpaca's official OpenAPI 3.0 specs (tests/fixtures/alpaca-openapi) with ajv.
 * The whole spec is registered, so `$ref`s resolve as written and `nullable` works natively.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { loadOpenApi } from './fixtures.js';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose `default` is the plugin
const addFormats = addFormatsImport.default;

export type SpecName = 'trading' | 'data';

export interface OpenApiValidator {
  /** schema of a request body, e.g. requestBody('trading', '/v2/orders', 'post') */
  requestBody(spec: SpecName, path: string, method: string): ValidateFunction;
  /** schema of a JSON response, e.g. response('trading', '/v2/orders', 'delete', '207') */
  response(spec: SpecName, path: string, method?: string, status?: string): ValidateFunction;
  /** the schema found by a JSON pointer into a spec, e.g. components/schemas/TradingActivities */
  component(spec: SpecName, name: string): ValidateFunction;
}

/** the validation errors as short strings, [] when valid */
export function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export function createOpenApiValidator(): OpenApiValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema(loadOpenApi('trading-api.json'), 'trading');
  ajv.addSchema(loadOpenApi('market-data-api.json'), 'data');
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema at ${ref}`);
    return validate;
  };
  const json = (...where: string[]) => [...where, 'content', 'application/json', 'schema'];
  return {
    requestBody: (spec, path, method) => get(`${spec}#/${pointer('paths', path, method, ...json('requestBody'))}`),
    response: (spec, path, method = 'get', status = '200') =>
      get(`${spec}#/${pointer('paths', path, method, ...json('responses', status))}`),
    component: (spec, name) => get(`${spec}#/${pointer('components', 'schemas', name)}`),
  };
}
