export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** "just now", "42 s", "5 min", "3 h 10 min", "2 d" */
export function age(since: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

export const time = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

/** A moment ahead: "14:30" within a day, else "Tue 09:00" (the browser's time zone). */
export function moment(iso: string, now: number): string {
  const at = new Date(iso);
  const clock = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (at.getTime() - now < 24 * 3600_000) return clock;
  return `${at.toLocaleDateString(undefined, { weekday: 'short' })} ${clock}`;
}

/** Whole seconds from now until `iso`, never below 0. */
export const secondsLeft = (iso: string, now: number) =>
  Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
