/** Version of the protocol document format; a file names it in `schemaVersion`. */
export const PROTOCOL_SCHEMA_VERSION = '1.0';

/** Sub-schemas are versioned on their own (Opentrons v8 style) so one can evolve without the others. */
export const PARAMETERS_SCHEMA_VERSION = '1.0';
export const MATERIALS_SCHEMA_VERSION = '1.0';
export const STEPS_SCHEMA_VERSION = '1.0';

/** Version of the execution-plan shape the compiler emits (engine and API read it). */
export const PLAN_VERSION = '1.0';

export const PROTOCOL_SCHEMA_ID = `https://graftlab.dev/schema/protocol/${PROTOCOL_SCHEMA_VERSION}`;
