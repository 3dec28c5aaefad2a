// @ts-check
// What the API's own document (/openapi.json) says: the values a field takes and the roles a
// route allows, so the UI never types an enum or a role list again.

/** @typedef {{ enum?: string[], properties?: Record<string, Schema>, items?: Schema, anyOf?: Schema[] }} Schema */
/** @typedef {{ 'x-roles'?: string[], parameters?: { name: string, in: string, schema: Schema }[], requestBody?: { content: Record<string, { schema: Schema }> } }} Operation */

/** @type {Promise<{ paths: Record<string, Record<string, Operation>> }> | undefined} */
let documentPromise;

/** The OpenAPI document, fetched once per page load. */
export function loadSchema() {
  documentPromise ??= fetch('/openapi.json').then((r) => {
    if (!r.ok) throw new Error('the API document is unavailable');
    return r.json();
  });
  return documentPromise;
}

/** @param {string} method @param {string} path */
async function operation(method, path) {
  const doc = await loadSchema();
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`the API has no ${method} ${path}`);
  return op;
}

/** The values a request body's field takes. @param {string} path @param {string} field @returns {Promise<string[]>} */
export async function bodyEnum(path, field) {
  const op = await operation('POST', path);
  const schema = op.requestBody?.content['application/json']?.schema;
  return schema?.properties?.[field]?.enum ?? [];
}

/** The values a query parameter takes. @param {string} path @param {string} name @returns {Promise<string[]>} */
export async function queryEnum(path, name) {
  const op = await operation('GET', path);
  return op.parameters?.find((p) => p.in === 'query' && p.name === name)?.schema.enum ?? [];
}

/**
 * Whether a role may call a route (admin may call every route).
 * @param {string} role
 * @param {string} method
 * @param {string} path
 */
export async function mayCall(role, method, path) {
  const op = await operation(method, path);
  return role === 'admin' || !op['x-roles'] || op['x-roles'].includes(role);
}

/** The values an array field of a request body holds. @param {string} path @param {string} field @returns {Promise<string[]>} */
export async function bodyItemsEnum(path, field) {
  const op = await operation('POST', path);
  const schema = op.requestBody?.content['application/json']?.schema;
  return schema?.properties?.[field]?.items?.enum ?? [];
}
