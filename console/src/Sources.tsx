import type { SourceResponseDto } from './api-types';
import { skillsText } from './skills';
import { TableCard } from './TableCard';

interface Props {
  sources: SourceResponseDto[];
  onEdit(source: SourceResponseDto): void;
  onAdd(): void;
  onEditSource(source: SourceResponseDto): void;
}

/**
 * "offers, 60 s to accept · needs de · anyone after 120 s · priority 10 · +2/min", or "—" when
 * the defaults apply.
 */
function routing(source: SourceResponseDto): string {
  const parts: string[] = [];
  if (source.assignment === 'offer')
    parts.push(`offers, ${source.offer_timeout_seconds} s to accept`);
  if (source.required_skills.length > 0) {
    parts.push(`needs ${skillsText(source.required_skills)}`);
    if (source.skill_fallback_seconds !== null) {
      parts.push(`anyone after ${source.skill_fallback_seconds} s`);
    }
  }
  if (source.default_priority !== 0) parts.push(`priority ${source.default_priority}`);
  if (source.priority_aging_per_minute !== 0) {
    parts.push(`+${source.priority_aging_per_minute}/min`);
  }
  return parts.length > 0 ? parts.join(' · ') : '—';
}

export function Sources({ sources, onEdit, onAdd, onEditSource }: Props) {
  return (
    <TableCard
      id="sources"
      title="Sources"
      columns={['Name', 'Strategy', 'Sticky', 'Routing', null]}
      empty={sources.length === 0 ? 'No sources yet.' : null}
      toolbar={
        <button type="button" class="secondary" onClick={onAdd}>
          Add source
        </button>
      }
    >
      {sources.map((source) => (
        <tr key={source.id}>
          <th scope="row">{source.name}</th>
          <td>{source.strategy ?? 'default'}</td>
          <td>{source.sticky ? 'Yes' : 'No'}</td>
          <td data-testid="routing">{routing(source)}</td>
          <td class="row-actions">
            <button
              type="button"
              class="secondary"
              aria-label={`Edit source ${source.name}`}
              onClick={() => onEditSource(source)}
            >
              Edit
            </button>
            <button type="button" onClick={() => onEdit(source)}>
              Edit weights
            </button>
          </td>
        </tr>
      ))}
    </TableCard>
  );
}
