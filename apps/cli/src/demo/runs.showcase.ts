import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiClient } from '../api-client';
import type { CliOutput } from '../cli-output';
import { watchRuns, type RunView } from './run-watch';

/** Four grafting runs on the four reactor stations, sharing the irradiator, balance and robot. */
const CONDITIONS = [
  { dose: 10, graftTemperature: 40, graftTime: 2, monomerConcentration: 5 },
  { dose: 20, graftTemperature: 40, graftTime: 2, monomerConcentration: 5 },
  { dose: 30, graftTemperature: 40, graftTime: 2, monomerConcentration: 5 },
  { dose: 30, graftTemperature: 50, graftTime: 1, monomerConcentration: 3 },
];

export async function runsShowcase(api: ApiClient, out: CliOutput, protocolsDir: string): Promise<RunView[]> {
  const protocol = JSON.parse(
    readFileSync(path.join(protocolsDir, 'pe-gma-emulsion.json'), 'utf8'),
  ) as unknown;
  out.out('');
  out.out('1. Grafting runs on the virtual lab (PE/PP nonwoven + GMA emulsion, γ pre-irradiation)');
  const ids: string[] = [];
  for (const [i, parameters] of CONDITIONS.entries()) {
    const run = await api.post<{ id: string; station: string }>('/api/runs', {
      protocol,
      parameters,
      idempotencyKey: `demo-${Date.now()}-${i}`,
    });
    ids.push(run.id);
    out.out(
      `   submitted ${run.id.slice(0, 8)} → ${run.station}: dose ${parameters.dose} kGy, ${parameters.graftTemperature} °C, ${parameters.graftTime} h, ${parameters.monomerConcentration} wt%`,
    );
  }
  const views = await watchRuns(api, ids, out);
  out.out('');
  out.out('   run       station    dose  T     time  GMA    state       degree of grafting');
  for (const v of views) {
    const p = v.parameters as Record<string, number>;
    const dg = v.results.degreeOfGrafting;
    const dgText = dg ? `${dg.value.toFixed(1)} ± ${(dg.uncertainty ?? 0).toFixed(1)} %` : (v.reason ?? '-');
    out.out(
      `   ${v.id.slice(0, 8)}  ${String(v.station).padEnd(9)}  ${String(p.dose).padStart(3)}   ${String(p.graftTemperature).padStart(2)}°C  ${String(p.graftTime).padStart(3)} h ${String(p.monomerConcentration).padStart(3)} %   ${v.state.padEnd(10)}  ${dgText}`,
    );
  }
  return views;
}
