// Child process for the crash test: opens the database, says "writing", records the results of a run
// and says "written". The parent kills it with SIGKILL at a random moment in between.
import { openDatabase } from '../open-database';
import { ResultsRepository } from '../repositories/results.repository';

async function main(): Promise<void> {
  const [target, runId, ...sampleIds] = process.argv.slice(2);
  const db = await openDatabase(target.startsWith('postgres') ? { url: target } : { dataDir: target });
  process.stdout.write('writing\n');
  await new ResultsRepository(db).recordResults(
    runId,
    sampleIds.map((sampleId, i) => ({
      sampleId,
      name: 'degreeOfGrafting',
      value: 40 + i,
      unit: '%',
      uncertainty: 0.5,
    })),
  );
  process.stdout.write('written\n');
  await db.close();
}

void main();
