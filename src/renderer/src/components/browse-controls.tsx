import { type ReactNode, useEffect, useState } from 'react';
import { type BrowseView, href } from '../route';

export const PAGE_SIZE = 50;

/** Replaces the view's filters in the address (no history entry per keystroke). */
export function setFilter(view: BrowseView, filter: Record<string, string>) {
  window.location.replace(href({ view, filter }));
}

/** Changes one filter and goes back to the first page. */
export function withFilter(filter: Record<string, string>, key: string, value: string) {
  const next = { ...filter, [key]: value };
  delete next.offset;
  return next;
}

/** A text filter applied on Enter or when focus leaves, not on every keystroke. */
export function TextFilter(props: {
  label: string;
  value: string | undefined;
  onApply(value: string): void;
  placeholder?: string;
  list?: string;
}) {
  const [text, setText] = useState(props.value ?? '');
  useEffect(() => setText(props.value ?? ''), [props.value]);
  const apply = () => {
    if (text.trim() !== (props.value ?? '')) props.onApply(text.trim());
  };
  return (
    <label>
      {props.label}{' '}
      <input
        type="search"
        aria-label={`Filter by ${props.label.toLowerCase()}`}
        placeholder={props.placeholder}
        list={props.list}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
    </label>
  );
}

export function SelectFilter(props: {
  label: string;
  value: string | undefined;
  options: readonly (string | [value: string, label: string])[];
  onApply(value: string): void;
}) {
  return (
    <label>
      {props.label}{' '}
      <select
        aria-label={`Filter by ${props.label.toLowerCase()}`}
        value={props.value ?? ''}
        onChange={(e) => props.onApply(e.target.value)}
      >
        <option value="">all</option>
        {props.options.map((o) => {
          const [value, label] = typeof o === 'string' ? [o, o] : o;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </label>
  );
}

export const TIME_WINDOWS: [string, string][] = [
  ['300', 'last 5 min'],
  ['3600', 'last hour'],
  ['86400', 'last 24 h'],
];

/** "51–100 of 2,345" with previous/next: pages over every stored row, not a recent slice. */
export function Pager(props: {
  label: string;
  offset: number;
  total: number | undefined;
  onOffset(offset: number): void;
}) {
  const { offset, total } = props;
  const shown =
    total === undefined
      ? '…'
      : total === 0
        ? 'none'
        : `${(offset + 1).toLocaleString()}–${Math.min(offset + PAGE_SIZE, total).toLocaleString()} of ${total.toLocaleString()}`;
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button
        className="small"
        disabled={offset === 0}
        onClick={() => props.onOffset(Math.max(0, offset - PAGE_SIZE))}
      >
        Previous
      </button>
      <span data-testid={`${props.label.toLowerCase().replace(/\s+/g, '-')}-range`}>{shown}</span>
      <button
        className="small"
        disabled={total === undefined || offset + PAGE_SIZE >= total}
        onClick={() => props.onOffset(offset + PAGE_SIZE)}
      >
        Next
      </button>
    </nav>
  );
}

export function BrowseStatus({ error, empty }: { error: string | null; empty: boolean }) {
  if (error)
    return (
      <p className="command-error" role="alert">
        {error}
      </p>
    );
  return empty ? <p className="empty">Nothing matches.</p> : null;
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card browse-section" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
