import type { ComponentChildren } from 'preact';

interface Props {
  /** Prefix of the heading's id, which labels the section and the table. */
  id: string;
  title: string;
  /** Column headings; null for the actions column (named for screen readers only). */
  columns: ReadonlyArray<string | null>;
  /** Shown in one row across the table when there are no rows. */
  empty: string | null;
  /** Controls beside the heading (an Add button). */
  toolbar?: ComponentChildren;
  /** The rows (`<tr>`), each led by a `<th scope="row">`. */
  children: ComponentChildren;
}

/** A card holding one scrollable table: the shape of the Operators and Sources panels. */
export function TableCard({ id, title, columns, empty, toolbar, children }: Props) {
  const titleId = `${id}-title`;
  return (
    <section class="card" aria-labelledby={titleId}>
      <div class="card-header">
        <h2 id={titleId}>{title}</h2>
        {toolbar}
      </div>
      <div class="scroll">
        <table aria-labelledby={titleId}>
          <thead>
            <tr>
              {columns.map((column, i) => (
                <th scope="col" key={i}>
                  {column ?? <span class="visually-hidden">Actions</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {empty !== null && (
              <tr>
                <td colSpan={columns.length} class="empty">
                  {empty}
                </td>
              </tr>
            )}
            {children}
          </tbody>
        </table>
      </div>
    </section>
  );
}
