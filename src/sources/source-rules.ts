import { parseSkills } from '../distribution/skills';

/** A source's rules, as an assignment needs them (read under the source's lock). */
export interface SourceRules {
  id: number;
  strategy: string | null;
  sticky: boolean;
  requiredSkills: readonly string[];
  skillFallbackSeconds: number | null;
  defaultPriority: number;
  /** `offer`: the chosen operator is offered the request and accepts it (offers). */
  assignment: SourceAssignment;
  offerTimeoutSeconds: number;
}

export const SOURCE_ASSIGNMENTS = ['direct', 'offer'] as const;
export type SourceAssignment = (typeof SOURCE_ASSIGNMENTS)[number];

/** The columns a query selects for SourceRules (alias `s`). */
export const SOURCE_RULES_COLUMNS = `s.id, s.strategy, s.sticky, s.required_skills AS "requiredSkills",
  s.skill_fallback_seconds AS "skillFallbackSeconds", s.default_priority AS "defaultPriority",
  s.assignment, s.offer_timeout_seconds AS "offerTimeoutSeconds"`;

// SQLite gives booleans as 0/1, PostgreSQL bigint ids as text.
export function toSourceRules(row: Record<string, unknown>): SourceRules {
  return {
    id: Number(row.id),
    strategy: (row.strategy as string | null) ?? null,
    sticky: Boolean(row.sticky),
    requiredSkills: parseSkills(row.requiredSkills),
    skillFallbackSeconds:
      row.skillFallbackSeconds == null ? null : Number(row.skillFallbackSeconds),
    defaultPriority: Number(row.defaultPriority ?? 0),
    assignment: (row.assignment as SourceAssignment | undefined) ?? 'direct',
    offerTimeoutSeconds: Number(row.offerTimeoutSeconds ?? 60),
  };
}
