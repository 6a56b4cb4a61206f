export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.round(Math.abs(seconds));
  const sign = seconds < 0 ? '−' : '';
  if (s < 60) return `${sign}${s} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return `${sign}${h} h${m ? ` ${m} min` : ''}`;
}

export function time(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '–' : d.toLocaleTimeString([], { hour12: false });
}

export function ago(at: number | string | undefined, now: number): string {
  if (at === undefined) return '–';
  const t = typeof at === 'number' ? at : Date.parse(at);
  return `${duration((now - t) / 1000)} ago`;
}

export function num(v: unknown, digits = 3): string {
  if (typeof v !== 'number') return String(v ?? '–');
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(digits);
}

export function quantity(
  q: { value: number; unit: string; display?: { value: number; unit: string } } | undefined,
): string {
  if (!q) return '–';
  const d = q.display ?? q;
  return `${num(d.value, 4)} ${d.unit}`;
}
