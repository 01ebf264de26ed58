// Renders Keel's OpenAPI document (/api/openapi.json, same host) as a reference page: operations
// grouped by tag, each with its parameters, request body and answers, then every named schema.
// Built with DOM nodes and textContent only, so nothing in the document is ever parsed as HTML.
'use strict';

const REF_PREFIX = '#/components/schemas/';

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) node.setAttribute(key, value);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** text with `code` spans (the document's descriptions use backticks) */
function prose(text) {
  return String(text ?? '').split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));
}

/** a schema as one short type expression; named schemas link to their section */
function typeOf(schema) {
  if (!schema || typeof schema !== 'object') return el('span', { class: 'type' }, 'any');
  if (schema.$ref) {
    const name = schema.$ref.slice(REF_PREFIX.length);
    return el('a', { class: 'type', href: `#schema-${name}` }, name);
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return el('span', {}, ...alternatives.flatMap((s, i) => (i === 0 ? [typeOf(s)] : [' | ', typeOf(s)])));
  if (schema.const !== undefined) return el('span', { class: 'type' }, JSON.stringify(schema.const));
  if (schema.enum) return el('span', { class: 'type' }, schema.enum.map((v) => JSON.stringify(v)).join(' | '));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  return el('span', {}, ...types.flatMap((type, i) => {
    const part = type === 'array' ? el('span', {}, typeOf(schema.items), el('span', { class: 'type' }, '[]'))
      : type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object'
        ? el('span', {}, el('span', { class: 'type' }, 'map of '), typeOf(schema.additionalProperties))
        : el('span', { class: 'type' }, type);
    return i === 0 ? [part] : [' | ', part];
  }));
}

/** the limits a schema states, in words */
function limits(schema) {
  const out = [];
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.minLength !== undefined) out.push(`≥ ${schema.minLength} chars`);
  if (schema.maxLength !== undefined) out.push(`≤ ${schema.maxLength} chars`);
  if (schema.minimum !== undefined && Math.abs(schema.minimum) < Number.MAX_SAFE_INTEGER) out.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && Math.abs(schema.maximum) < Number.MAX_SAFE_INTEGER) out.push(`≤ ${schema.maximum}`);
  if (schema.maxItems !== undefined) out.push(`≤ ${schema.maxItems} items`);
  return out.join(', ');
}

function propertiesTable(schema) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return el('p', {}, 'Type: ', typeOf(schema), schema.description ? prose(` — ${schema.description}`) : '');
  const required = new Set(schema.required ?? []);
  return el('table', {},
    el('tr', {}, el('th', {}, 'field'), el('th', {}, 'type'), el('th', {}, 'about')),
    properties.map(([name, property]) => el('tr', {},
      el('td', {}, el('code', {}, name), required.has(name) ? el('span', { class: 'required' }, ' required') : null),
      el('td', {}, typeOf(property)),
      el('td', {}, prose([property.description, limits(property)].filter(Boolean).join(' · '))))),
    schema.additionalProperties === false ? null
      : el('tr', {}, el('td', { colspan: '3' }, 'Other fields may be present.')));
}

function media(content) {
  return Object.entries(content ?? {}).map(([type, m]) => el('div', {},
    m.schema ? el('p', {}, el('code', {}, type), ' ', typeOf(m.schema)) : el('p', {}, el('code', {}, type)),
    m.example !== undefined ? el('pre', {}, JSON.stringify(m.example, null, 2)) : null));
}

function operation(path, method, op) {
  const parameters = op.parameters ?? [];
  return el('details', { class: 'operation', id: op.operationId },
    el('summary', {}, el('span', { class: `method ${method}` }, method), el('span', { class: 'path' }, path), ' ', prose(op.summary),
      op.security && op.security.length === 0 ? el('span', { class: 'public' }, 'no token') : null),
    op.description ? el('p', {}, prose(op.description)) : null,
    parameters.length > 0 ? el('div', {}, el('h4', {}, 'Parameters'), el('table', {},
      el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, 'type'), el('th', {}, 'about')),
      parameters.map((p) => el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, typeOf(p.schema)),
        el('td', {}, prose([p.description, limits(p.schema ?? {})].filter(Boolean).join(' · '))))))) : null,
    op.requestBody ? el('div', {}, el('h4', {}, op.requestBody.required ? 'Body' : 'Body (optional)'), media(op.requestBody.content)) : null,
    el('h4', {}, 'Answers'),
    Object.entries(op.responses ?? {}).map(([status, answer]) => el('div', {},
      el('p', {}, el('span', { class: 'status' }, status), ' ', prose(answer.description)), media(answer.content))));
}

function render(doc) {
  document.title = doc.info.title;
  const intro = document.getElementById('intro');
  intro.replaceChildren(...prose(doc.info.description), ' ', el('a', { href: '/api/openapi.json' }, 'The document (OpenAPI 3.1).'));

  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(path, method, op));
    }
  }
  const tags = [...(doc.tags ?? []).map((t) => t.name), ...byTag.keys()].filter((t, i, all) => byTag.has(t) && all.indexOf(t) === i);
  const about = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
  document.getElementById('toc').replaceChildren(...tags.map((t) => el('a', { href: `#tag-${t}` }, t)), el('a', { href: '#schemas' }, 'schemas'));
  document.getElementById('operations').replaceChildren(...tags.map((t) => el('section', { id: `tag-${t}` },
    el('h2', {}, t), about.get(t) ? el('p', {}, prose(about.get(t))) : null, byTag.get(t))));

  const schemas = Object.entries(doc.components?.schemas ?? {});
  document.getElementById('schemas').replaceChildren(el('h2', {}, 'schemas'),
    ...schemas.map(([name, schema]) => el('div', { id: `schema-${name}` }, el('h3', {}, name), propertiesTable(schema))));
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

fetch('/api/openapi.json')
  .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`GET /api/openapi.json answered ${res.status}`))))
  .then(render)
  .catch((error) => { document.getElementById('intro').textContent = `Could not load the API document: ${error.message}`; });
