import type { CampaignView } from '@graftlab/campaign';

interface Point {
  readonly n: number;
  readonly score: number | null;
  readonly y: number | null;
  readonly u: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const r1 = (x: number) => Math.round(x * 10) / 10;

function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Number(t.toPrecision(10)));
  return out;
}

/**
 * The campaign as a small self-contained SVG: the objective of every experiment with the best-so-far line
 * (top), and the first target output with its uncertainty and the stop band (bottom). Failed runs are crosses.
 */
export function campaignSvg(view: CampaignView): string {
  const output = view.settings.objective.targets[0]?.name ?? 'output';
  const band = view.settings.stopWhen?.outputs[output];
  const points: Point[] = view.suggestions
    .filter((s) => s.experiment !== null && (s.state === 'completed' || s.state === 'failed'))
    .map((s) => ({
      n: s.experiment!,
      score: s.result?.score ?? null,
      y: s.result?.outputs[output] ?? null,
      u: s.result?.uncertainty[output] ?? 0,
    }))
    .sort((a, b) => a.n - b.n);
  const W = 720;
  const H = 520;
  const left = 64;
  const right = W - 20;
  const maxN = Math.max(view.progress.budget, ...points.map((p) => p.n), 1);
  const x = (n: number) => left + ((n - 0.5) / maxN) * (right - left);
  const parts: string[] = [];
  const panel = (top: number, bottom: number, values: number[], label: string) => {
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
    lo -= pad;
    hi += pad;
    const y = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
    parts.push(
      `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#999"/>`,
    );
    for (const t of ticks(lo, hi)) {
      parts.push(`<line x1="${left}" x2="${right}" y1="${r1(y(t))}" y2="${r1(y(t))}" stroke="#eee"/>`);
      parts.push(`<text x="${left - 6}" y="${r1(y(t)) + 4}" text-anchor="end">${t}</text>`);
    }
    parts.push(
      `<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`,
    );
    return { y, lo, hi };
  };

  // Objective and best so far.
  const scores = points.filter((p) => p.score !== null).map((p) => p.score!);
  const top = panel(40, 250, scores, 'objective (score)');
  let best = Number.NEGATIVE_INFINITY;
  const bestPath: string[] = [];
  for (const p of points) {
    if (p.score !== null && p.score > best) best = p.score;
    if (Number.isFinite(best))
      bestPath.push(`${bestPath.length ? 'L' : 'M'}${r1(x(p.n))} ${r1(top.y(best))}`);
  }
  if (bestPath.length)
    parts.push(`<path d="${bestPath.join(' ')}" fill="none" stroke="#d62728" stroke-width="2"/>`);
  for (const p of points) {
    if (p.score !== null)
      parts.push(`<circle cx="${r1(x(p.n))}" cy="${r1(top.y(p.score))}" r="4" fill="#1f77b4"/>`);
    else parts.push(cross(x(p.n), 250 - 8));
  }

  // The target output with its uncertainty and the stop band.
  const ys = points.filter((p) => p.y !== null).flatMap((p) => [p.y! - p.u, p.y! + p.u]);
  if (band?.min !== undefined) ys.push(band.min);
  if (band?.max !== undefined) ys.push(band.max);
  const bottom = panel(290, 470, ys, output);
  if (band?.min !== undefined && band.max !== undefined) {
    const y0 = bottom.y(band.max);
    parts.push(
      `<rect x="${left}" y="${r1(y0)}" width="${right - left}" height="${r1(bottom.y(band.min) - y0)}" fill="#2ca02c" fill-opacity="0.15"/>`,
    );
  }
  for (const p of points) {
    if (p.y === null) {
      parts.push(cross(x(p.n), 470 - 8));
      continue;
    }
    const cx = r1(x(p.n));
    parts.push(
      `<line x1="${cx}" x2="${cx}" y1="${r1(bottom.y(p.y + p.u))}" y2="${r1(bottom.y(p.y - p.u))}" stroke="#555"/>`,
    );
    parts.push(`<circle cx="${cx}" cy="${r1(bottom.y(p.y))}" r="4" fill="#ff7f0e"/>`);
  }
  for (const t of ticks(0.5, maxN + 0.5, Math.min(12, maxN))) {
    if (!Number.isInteger(t) || t < 1) continue;
    parts.push(`<text x="${r1(x(t))}" y="488" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${(left + right) / 2}" y="510" text-anchor="middle">experiment</text>`);
  const title = `${view.name ?? view.id}: ${view.progress.experiments}/${view.progress.budget} experiments`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="${right}" y="22" text-anchor="end" fill="#d62728">— best so far</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function cross(cx: number, cy: number): string {
  const a = r1(cx - 4);
  const b = r1(cx + 4);
  return `<path d="M${a} ${r1(cy - 4)} L${b} ${r1(cy + 4)} M${a} ${r1(cy + 4)} L${b} ${r1(cy - 4)}" stroke="#7f7f7f" stroke-width="2"/>`;
}
