/**
 * The message of anything thrown, for journals, warnings and API errors: an Error's message,
 * anything else as text. One helper instead of the idiom repeated at every catch.
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
