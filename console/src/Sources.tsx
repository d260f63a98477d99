import type { SourceResponseDto } from './api-types';
import { TableCard } from './TableCard';

interface Props {
  sources: SourceResponseDto[];
  onEdit(source: SourceResponseDto): void;
}

export function Sources({ sources, onEdit }: Props) {
  return (
    <TableCard
      id="sources"
      title="Sources"
      columns={['Name', 'Strategy', 'Sticky', null]}
      empty={sources.length === 0 ? 'No sources yet.' : null}
    >
      {sources.map((source) => (
        <tr key={source.id}>
          <th scope="row">{source.name}</th>
          <td>{source.strategy ?? 'default'}</td>
          <td>{source.sticky ? 'Yes' : 'No'}</td>
          <td>
            <button type="button" onClick={() => onEdit(source)}>
              Edit weights
            </button>
          </td>
        </tr>
      ))}
    </TableCard>
  );
}
