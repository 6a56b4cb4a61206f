import { z } from 'zod';
import { inventorySchema } from '@graftlab/inventory';
import { PROTOCOL_SCHEMA_ID, protocolSchema } from '@graftlab/protocol';

/** Every JSON Schema graftlab publishes, generated from the zod source the code validates with. */
export function publishedSchemas(): { path: string; schema: object }[] {
  return [
    {
      path: 'devices/schema/inventory.schema.json',
      schema: {
        ...z.toJSONSchema(inventorySchema, { io: 'input', target: 'draft-2020-12' }),
        $id: 'https://graftlab.dev/schema/inventory/1.0',
        title: 'graftlab lab inventory',
      },
    },
    {
      path: 'protocols/schema/protocol.schema.json',
      schema: {
        ...z.toJSONSchema(protocolSchema, { io: 'input', target: 'draft-2020-12' }),
        $id: PROTOCOL_SCHEMA_ID,
        title: 'graftlab graft-synthesis protocol',
      },
    },
  ];
}
