import type { SourceResponseDto } from './api-types';

interface Props {
  sources: SourceResponseDto[];
  onEdit(source: SourceResponseDto): void;
}

export function Sources({ sources, onEdit }: Props) {
  return (
    <section class="card" aria-labelledby="sources-title">
      <h2 id="sources-title">Sources</h2>
      <div class="scroll">
        <table aria-labelledby="sources-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Strategy</th>
              <th scope="col">Sticky</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sources.length === 0 && (
              <tr>
                <td colSpan={4} class="empty">
                  No sources yet.
                </td>
              </tr>
            )}
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
          </tbody>
        </table>
      </div>
    </section>
  );
}
