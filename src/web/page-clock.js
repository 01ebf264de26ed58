// The page's one reading of the wall clock: the browser's own (Keel's injected Clock runs in the
// server and cannot reach the page). Countdowns compare it with times Keel sent, so a browser whose
// clock is off shows them off by as much; the server decides every expiry itself.
export function pageNow() {
  return Date.now();
}
