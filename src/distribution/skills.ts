/** A skill name: lower-case, digits and `_.-`, up to 64 characters (`de`, `billing`, `vip`). */
export const SKILL_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const MAX_SKILLS = 50;

/** The skills a request needs: its source's and its own, sorted, without duplicates. */
export function unionOfSkills(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())].sort();
}

/** Which of `required` the operator lacks, in order (empty: it has them all). */
export function missingSkills(has: readonly string[], required: readonly string[]): string[] {
  if (required.length === 0) return [];
  const own = new Set(has);
  return required.filter((skill) => !own.has(skill));
}

/** A stored skills column (a JSON array of names) as a list. */
export function parseSkills(stored: unknown): string[] {
  if (Array.isArray(stored)) return stored as string[];
  if (typeof stored !== 'string' || stored === '' || stored === '[]') return [];
  return JSON.parse(stored) as string[];
}

/** A list of names as stored: sorted JSON, so equal sets store equal text. */
export function storeSkills(skills: readonly string[]): string {
  return JSON.stringify(unionOfSkills(skills));
}

/** A skills column: a sorted JSON array of names in the database, a list in the entity. */
export const skillsColumn = {
  type: 'text' as const,
  default: '[]',
  transformer: { to: storeSkillsOrDefault, from: parseSkills },
};

function storeSkillsOrDefault(skills: readonly string[] | undefined): string | undefined {
  return skills === undefined ? undefined : storeSkills(skills);
}

/** A LIKE pattern that matches a stored list containing exactly this name (names need no escape). */
export function skillPattern(skill: string): string {
  return `%"${skill}"%`;
}
