import {
  MAX_SKILLS,
  missingSkills,
  parseSkills,
  skillPattern,
  storeSkills,
  unionOfSkills,
} from './skills';
import { skillListProblem } from './skills.dto';

describe('skills', () => {
  describe(unionOfSkills.name, () => {
    it('joins the lists, sorted, without duplicates', () => {
      expect(unionOfSkills(['vip', 'de'], ['de', 'billing'])).toEqual(['billing', 'de', 'vip']);
      expect(unionOfSkills([], [])).toEqual([]);
      expect(unionOfSkills(['de'])).toEqual(['de']);
    });

    it('leaves its inputs as they were', () => {
      const source = ['vip', 'de'];
      unionOfSkills(source, ['a']);
      expect(source).toEqual(['vip', 'de']);
    });
  });

  describe(missingSkills.name, () => {
    it.each([
      [[], [], []],
      [['de'], [], []],
      [[], ['de'], ['de']],
      [['de', 'vip'], ['de'], []],
      [['vip'], ['billing', 'de', 'vip'], ['billing', 'de']],
      [['de.at'], ['de'], ['de']],
    ])('has %j, needs %j: lacks %j', (has, required, missing) => {
      expect(missingSkills(has, required)).toEqual(missing);
    });
  });

  describe(parseSkills.name, () => {
    it.each([
      ['["billing","de"]', ['billing', 'de']],
      ['[]', []],
      ['', []],
      [null, []],
      [undefined, []],
      [['de'], ['de']],
    ])('reads %j as %j', (stored, list) => {
      expect(parseSkills(stored)).toEqual(list);
    });

    it('reads back what storeSkills wrote, sorted and without duplicates', () => {
      expect(storeSkills(['vip', 'de', 'vip'])).toBe('["de","vip"]');
      expect(parseSkills(storeSkills(['vip', 'de']))).toEqual(['de', 'vip']);
    });
  });

  it('matches a stored list holding exactly this name, not a longer one', () => {
    const like = (text: string, pattern: string) =>
      new RegExp(`^${pattern.replace(/%/g, '.*')}$`).test(text);
    expect(like('["billing","de"]', skillPattern('de'))).toBe(true);
    expect(like('["de.at","dev"]', skillPattern('de'))).toBe(false);
  });

  describe(skillListProblem.name, () => {
    it.each([[[]], [['de']], [['de', 'billing', 'vip-2', 'a.b_c']], [['9'.repeat(64)]]])(
      'accepts %j',
      (list) => {
        expect(skillListProblem('skills', list)).toBeNull();
      },
    );

    const nameRule =
      'must be a skill name: 1 to 64 of a-z, 0-9, "_", "." and "-", starting with a letter or digit';
    it.each([
      ['de', 'skills must be a list of skill names'],
      [null, 'skills must be a list of skill names'],
      [{ 0: 'de' }, 'skills must be a list of skill names'],
      [['de', 'DE'], `skills[1] ${nameRule}`],
      [['de', 'billing', 'de'], 'skills[2] repeats "de"'],
      [['-de'], `skills[0] ${nameRule}`],
      [[''], `skills[0] ${nameRule}`],
      [['d e'], `skills[0] ${nameRule}`],
      [['a'.repeat(65)], `skills[0] ${nameRule}`],
      [[42], `skills[0] ${nameRule}`],
      [[null], `skills[0] ${nameRule}`],
    ])('refuses %j: %s', (value, message) => {
      expect(skillListProblem('skills', value)).toBe(message);
    });

    it('names the field it checks and the limit', () => {
      const many = Array.from({ length: MAX_SKILLS + 1 }, (_, i) => `s${i}`);
      expect(skillListProblem('required_skills', many)).toBe(
        'required_skills may hold at most 50 skills',
      );
      expect(skillListProblem('required_skills', many.slice(0, MAX_SKILLS))).toBeNull();
      expect(skillListProblem('required_skills', ['ok', 'Nope'])).toMatch(/^required_skills\[1\] /);
    });
  });
});
