/**
 * The problems of a refused input file, as reported: at most MAX_PROBLEMS of them (a file wrong on
 * every line would otherwise print thousands), then how many more there were.
 */
export const MAX_PROBLEMS = 50;

export function shownProblems(problems: readonly string[]): string[] {
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
  return shown;
}
