import { z } from 'zod';
import { inventorySchema } from '@graftlab/inventory';

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
  ];
}
