/**
 * Skills as the console's text fields hold them: names separated by commas or spaces. The
 * service checks each name and says which one it refuses, so nothing is corrected here.
 */
export function parseSkills(text: string): string[] {
  return text.split(/[\s,]+/).filter((name) => name !== '');
}

export const skillsText = (skills: readonly string[]) => skills.join(', ');

/** " (de, vip)" after a decision's missing_skills reason; "" when nothing is missing. */
export const missingText = (missing: readonly string[] | undefined) =>
  missing && missing.length > 0 ? ` (${skillsText(missing)})` : '';
