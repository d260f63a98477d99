import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { IsOptionalNonNull } from '../common/validation';
import { MAX_SKILLS, SKILL_NAME } from './skills';

/** Why a list is not a valid list of skill names, naming the field and item; null when it is. */
export function skillListProblem(property: string, value: unknown): string | null {
  if (!Array.isArray(value)) return `${property} must be a list of skill names`;
  if (value.length > MAX_SKILLS) return `${property} may hold at most ${MAX_SKILLS} skills`;
  const seen = new Set<unknown>();
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string' || !SKILL_NAME.test(item)) {
      return (
        `${property}[${index}] must be a skill name: 1 to 64 of a-z, 0-9, "_", "." and "-", ` +
        'starting with a letter or digit'
      );
    }
    if (seen.has(item)) return `${property}[${index}] repeats "${item}"`;
    seen.add(item);
  }
  return null;
}

/** An optional list of skill names (operators' skills, sources' and requests' requirements). */
export function IsSkillList(description: string, example: string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      maxItems: MAX_SKILLS,
      uniqueItems: true,
      items: { type: 'string', pattern: SKILL_NAME.source, maxLength: 64 },
      example,
      description,
    }),
    IsOptionalNonNull(),
    ValidateBy({
      name: 'isSkillList',
      validator: {
        validate: (value, args) => skillListProblem(args!.property, value) === null,
        defaultMessage: (args) => skillListProblem(args!.property, args!.value) ?? '',
      },
    }),
  );
}
