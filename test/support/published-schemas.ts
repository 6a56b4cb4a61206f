import { z } from 'zod';
import { inventorySchema } from '@graftlab/inventory';
import { suggestRequestSchema, suggestResponseSchema } from '@graftlab/optimizer';
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
    {
      path: 'libs/optimizer/schema/suggest-request.schema.json',
      schema: {
        ...z.toJSONSchema(suggestRequestSchema, { io: 'input', target: 'draft-2020-12' }),
        $id: 'https://graftlab.dev/schema/suggest-request/1.2',
        title: 'graftlab suggest request (stateless ask: space, observations, batch size)',
      },
    },
    {
      path: 'libs/optimizer/schema/suggest-response.schema.json',
      schema: {
        ...z.toJSONSchema(suggestResponseSchema, { io: 'output', target: 'draft-2020-12' }),
        $id: 'https://graftlab.dev/schema/suggest-response/1.1',
        title: 'graftlab suggest response (candidates, model version, strategy)',
      },
    },
  ];
}
