import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Inventory } from '@graftlab/inventory';
import { INVENTORY, KEYS, REDIS } from '@graftlab/runtime';
import { CurrentActor, Roles, type Actor } from '../auth/roles.decorator';
import { parseBody } from '../common/body';
import { int, num, obj, str } from '../common/openapi.schemas';

const statusSchema = z
  .object({
    state: z.enum(['ok', 'busy', 'alarm', 'offline']),
    message: z.string().max(500).optional(),
    detail: z.record(z.string().max(60), z.union([z.number(), z.string().max(200), z.boolean()])).optional(),
    at: z.number().int().positive().optional(),
  })
  .strict()
  .refine((b) => !b.detail || Object.keys(b.detail).length <= 50, {
    message: 'at most 50 detail values',
  });

/**
 * Instruments that report over HTTP (a network balance, a door sensor bridge): status only. An instrument token
 * is named after its device id and may report that device alone, as the broker ACL lets a device publish only
 * under its own topic.
 */
@ApiTags('lab')
@Controller('api/instruments')
export class InstrumentsController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(INVENTORY) private readonly inventory: Inventory,
  ) {}

  @Post(':deviceId/status')
  @HttpCode(202)
  @Roles('instrument')
  @ApiOperation({ summary: 'An instrument reports its status (shown in the lab overview and /api/events)' })
  @ApiBody({
    schema: obj(
      {
        state: str('as device status snapshots', { enum: ['ok', 'busy', 'alarm', 'offline'] }),
        message: str(),
        detail: {
          type: 'object',
          additionalProperties: { oneOf: [num(), str(), { type: 'boolean' }] },
          description: 'readings, name → value',
        },
        at: int('device time, ms since the epoch'),
      },
      ['state'],
    ),
  })
  @ApiAcceptedResponse({
    schema: obj({ deviceId: str(), accepted: { type: 'boolean' } }, ['deviceId', 'accepted']),
  })
  async report(@Param('deviceId') deviceId: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const device = this.inventory.devices.find((d) => d.id === deviceId);
    if (!device) throw new NotFoundException(`no device ${deviceId} in the inventory`);
    if (actor.role === 'instrument' && actor.name !== deviceId)
      throw new ForbiddenException(`instrument token ${actor.name} may report device ${actor.name} only`);
    const b = parseBody(statusSchema, body);
    const snapshot = {
      deviceId,
      driver: device.driver,
      state: b.state,
      message: b.message,
      detail: b.detail ?? {},
      at: b.at ?? Date.now(),
      reportedBy: actor.name,
    };
    await this.redis.hset(KEYS.devices, deviceId, JSON.stringify(snapshot));
    await this.redis.publish(KEYS.events, JSON.stringify({ type: 'device', device: snapshot }));
    return { deviceId, accepted: true };
  }
}
