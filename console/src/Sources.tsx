import type { SourceResponseDto } from './api-types';
import { TableCard } from './TableCard';

interface Props {
  sources: SourceResponseDto[];
  onEdit(source: SourceResponseDto): void;
  onAdd(): void;
  onEditSource(source: SourceResponseDto): void;
}

export function Sources({ sources, onEdit, onAdd, onEditSource }: Props) {
  return (
    <TableCard
      id="sources"
      title="Sources"
      columns={['Name', 'Strategy', 'Sticky', null]}
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
