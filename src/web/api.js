// The page's one way to call Keel's API: the session cookie rides along (same origin), every
// request that changes something carries X-Keel-Request (Keel refuses a cookie request without
// it), and a refusal comes back as the API's own message.
export class ApiFailure extends Error {
  constructor(status, code, message, issues = []) {
    super(message);
    this.status = status;
    this.code = code;
    /** a 400's problems, one per field: [{ path, message }] */
    this.issues = issues;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Keel-Request'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiFailure(0, 'NETWORK', 'Keel did not answer: is it running?');
  }
  if (res.status === 204) return null;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const error = json && json.error;
    throw new ApiFailure(res.status, error ? error.code : 'HTTP_' + res.status, error ? error.message : `Keel answered ${res.status}`, (error && error.issues) || []);
  }
  return json;
}
