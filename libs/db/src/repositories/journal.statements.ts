import { sql, type SQL } from 'drizzle-orm';
import type { NewReading } from './readings.repository';

/**
 * The journal's hot path as single statements (one round trip, one commit each): a step attempt dispatched with
 * its intent, and a step confirmed with its read-back, each with the readings taken at that moment. A statement is
 * atomic, so the journal row, its transitions and the readings are written together or not at all, exactly as
 * the transactional path (JournalRepository.record) writes them; only the number of round trips differs.
 */

/** Readings as JSON rows for jsonb_to_recordset (snake_case, timestamps as ISO text). */
function readingsJson(readings: readonly NewReading[]): string {
  return JSON.stringify(
    readings.map((r) => ({
      device_id: r.deviceId,
      run_id: r.runId ?? null,
      step_key: r.stepKey ?? null,
      sample_id: r.sampleId ?? null,
      name: r.name,
      value: r.value ?? null,
      unit: r.unit ?? null,
      raw: r.raw ?? null,
      device_timestamp: r.deviceTimestamp ? new Date(r.deviceTimestamp).toISOString() : null,
    })),
  );
}

/** Inserts the readings, only if the guard CTE (the journal write) produced a row. */
function readingsInsert(readings: readonly NewReading[], guard: SQL): SQL {
  return sql`insert into readings (device_id, run_id, step_key, sample_id, name, value, unit, raw, device_timestamp)
    select x.device_id, x.run_id, x.step_key, x.sample_id, x.name, x.value, x.unit, x.raw, x.device_timestamp
    from jsonb_to_recordset(${readingsJson(readings)}::jsonb) as x(device_id text, run_id text, step_key text,
      sample_id text, name text, value double precision, unit text, raw text, device_timestamp timestamptz)
    where exists (${guard})`;
}

export interface DispatchValues {
  readonly runId: string;
  readonly stepKey: string;
  readonly attempt: number;
  readonly commandId: string;
  readonly deviceId?: string;
  readonly sampleId?: string;
  readonly request: Record<string, unknown>;
  readonly settlement: string;
  readonly readings: readonly NewReading[];
}

/** A new attempt: created intent-recorded and moved to dispatched, both transitions kept, in one statement. */
export function dispatchStatement(d: DispatchValues): SQL {
  const intentDetail = {
    ...(d.deviceId !== undefined ? { deviceId: d.deviceId } : {}),
    request: d.request,
    settlement: d.settlement,
  };
  return sql`with j as (
      insert into step_journal (run_id, step_key, attempt, state, command_id, device_id, sample_id, request,
        settlement, created_at, updated_at, dispatched_at)
      values (${d.runId}, ${d.stepKey}, ${d.attempt}, 'dispatched', ${d.commandId}, ${d.deviceId ?? null},
        ${d.sampleId ?? null}, ${JSON.stringify(d.request)}::jsonb, ${d.settlement}, now(), now(), now())
      returning *
    ), t as (
      insert into step_journal_transitions (journal_id, run_id, step_key, attempt, command_id, from_state, to_state,
        detail, at)
      select j.id, j.run_id, j.step_key, j.attempt, j.command_id, v.from_state, v.to_state, v.detail, now()
      from j cross join (values
        (1, null::text, 'intent-recorded', ${JSON.stringify(intentDetail)}::jsonb),
        (2, 'intent-recorded', 'dispatched', '{}'::jsonb)
      ) as v(n, from_state, to_state, detail)
      order by v.n
    ), r as (${readingsInsert(d.readings, sql`select 1 from j`)})
    select * from j`;
}

export interface ConfirmValues {
  readonly runId: string;
  readonly stepKey: string;
  readonly attempt: number;
  readonly readBack: Record<string, unknown>;
  /** States a confirmation may follow (see STEP_TRANSITIONS). */
  readonly from: readonly string[];
  readonly readings: readonly NewReading[];
  /** A move this confirmation proves: the film's new place and its custody event, in the same statement. */
  readonly sampleMove?: { sampleId: string; to: string; actor?: string; reason?: string };
}

/**
 * Confirms an attempt in the states it may be confirmed from, with its transition and readings; the statement
 * returns the current state whatever happened, and the confirmed row's columns only when it was confirmed.
 *
 * Committed without waiting for the WAL flush (synchronous_commit off for this statement alone). A confirmation is
 * the one journal write whose loss exactly-once tolerates: it is atomic and visible at once, a worker's crash
 * cannot lose it (the server has it), and the server's own crash can lose only the confirmations after its last
 * flushed commit — every dispatch is flushed before its command goes out, and the WAL is a sequence, so a lost
 * confirmation leaves its step `dispatched`, which the reconciler settles from the device's evidence as after any
 * crash between command and confirmation. Dispatches, moves, doses and results are always flushed.
 *
 * With a sample move, the confirmation is flushed like any move, and the film's new place and its custody event are
 * written with it (as JournalRepository.record does in a transaction): all of it, or — when the film is unknown —
 * nothing (`sample_found` says which).
 */
export function confirmStatement(c: ConfirmValues): SQL {
  const from = sql.join(
    c.from.map((s) => sql`${s}`),
    sql`, `,
  );
  const move = c.sampleMove;
  const commit = move
    ? sql`select current_setting('synchronous_commit') as synchronous_commit`
    : sql`select set_config('synchronous_commit', 'off', true) as synchronous_commit`;
  const film = move
    ? sql`select id, current_location from samples where id = ${move.sampleId} for update`
    : sql`select null::text as id, null::text as current_location`;
  const moved = move
    ? sql`, m as (
      update samples set current_location = ${move.to} from j where samples.id = ${move.sampleId}
      returning samples.id
    ), e as (
      insert into sample_events (sample_id, kind, from_location, to_location, actor, run_id, detail)
      select f.id, 'moved', f.current_location, ${move.to}, ${move.actor ?? null}, ${c.runId},
        ${JSON.stringify(move.reason ? { reason: move.reason } : {})}::jsonb
      from f join j on true
    )`
    : sql``;
  return sql`with relaxed as (${commit}), f as (${film}), cur as (
      select id, state from step_journal
      where run_id = ${c.runId} and step_key = ${c.stepKey} and attempt = ${c.attempt}
      for update
    ), j as (
      update step_journal s set state = 'confirmed', updated_at = now(), finished_at = now(),
        read_back = ${JSON.stringify(c.readBack)}::jsonb
      from cur where s.id = cur.id and cur.state in (${from})${move ? sql` and exists (select 1 from f)` : sql``}
      returning s.*
    ), t as (
      insert into step_journal_transitions (journal_id, run_id, step_key, attempt, command_id, from_state, to_state,
        detail, at)
      select j.id, j.run_id, j.step_key, j.attempt, j.command_id, cur.state, 'confirmed',
        jsonb_build_object('readBack', ${JSON.stringify(c.readBack)}::jsonb), now()
      from j join cur on cur.id = j.id
    ), r as (${readingsInsert(c.readings, sql`select 1 from j`)})${moved}
    select cur.state as previous_state, (select count(*) from f where f.id is not null) as sample_found, j.*
    from relaxed, cur left join j on j.id = cur.id`;
}

/**
 * A step's confirmation and the next step's dispatch in one statement (one round trip, one commit): the
 * confirmation as `confirmStatement` writes it (no sample move), then the new attempt as `dispatchStatement` writes
 * it — only if the confirmation was written; otherwise nothing is. Flushed before it returns, as every dispatch is
 * (so the confirmation is flushed too). Returns the confirmation's previous state, and the dispatched row's columns
 * when both were written.
 */
export function confirmAndDispatchStatement(c: ConfirmValues, d: DispatchValues): SQL {
  const from = sql.join(
    c.from.map((s) => sql`${s}`),
    sql`, `,
  );
  const readBack = JSON.stringify(c.readBack);
  const intentDetail = {
    ...(d.deviceId !== undefined ? { deviceId: d.deviceId } : {}),
    request: d.request,
    settlement: d.settlement,
  };
  return sql`with cur as (
      select id, state from step_journal
      where run_id = ${c.runId} and step_key = ${c.stepKey} and attempt = ${c.attempt}
      for update
    ), c as (
      update step_journal s set state = 'confirmed', updated_at = now(), finished_at = now(),
        read_back = ${readBack}::jsonb
      from cur where s.id = cur.id and cur.state in (${from})
      returning s.*
    ), ct as (
      insert into step_journal_transitions (journal_id, run_id, step_key, attempt, command_id, from_state, to_state,
        detail, at)
      select c.id, c.run_id, c.step_key, c.attempt, c.command_id, cur.state, 'confirmed',
        jsonb_build_object('readBack', ${readBack}::jsonb), now()
      from c join cur on cur.id = c.id
    ), cr as (${readingsInsert(c.readings, sql`select 1 from c`)}), j as (
      insert into step_journal (run_id, step_key, attempt, state, command_id, device_id, sample_id, request,
        settlement, created_at, updated_at, dispatched_at)
      select ${d.runId}, ${d.stepKey}, ${d.attempt}, 'dispatched', ${d.commandId}, ${d.deviceId ?? null},
        ${d.sampleId ?? null}, ${JSON.stringify(d.request)}::jsonb, ${d.settlement}, now(), now(), now()
      where exists (select 1 from c)
      returning *
    ), t as (
      insert into step_journal_transitions (journal_id, run_id, step_key, attempt, command_id, from_state, to_state,
        detail, at)
      select j.id, j.run_id, j.step_key, j.attempt, j.command_id, v.from_state, v.to_state, v.detail, now()
      from j cross join (values
        (1, null::text, 'intent-recorded', ${JSON.stringify(intentDetail)}::jsonb),
        (2, 'intent-recorded', 'dispatched', '{}'::jsonb)
      ) as v(n, from_state, to_state, detail)
      order by v.n
    ), r as (${readingsInsert(d.readings, sql`select 1 from j`)})
    select cur.state as previous_state, j.* from cur left join j on true`;
}
