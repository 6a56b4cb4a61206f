import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db.types';
import { deviceStatus } from '../schema';

export type DeviceStatusSnapshot = typeof deviceStatus.$inferSelect;

/** Snapshots of device state; the latest per device answers "what did it say last". */
export class DeviceStatusRepository {
  constructor(private readonly db: Db) {}

  async record(snapshot: Omit<typeof deviceStatus.$inferInsert, 'id'>): Promise<void> {
    await this.db.insert(deviceStatus).values(snapshot);
  }

  async latest(deviceId: string): Promise<DeviceStatusSnapshot | undefined> {
    const [row] = await this.db
      .select()
      .from(deviceStatus)
      .where(eq(deviceStatus.deviceId, deviceId))
      .orderBy(desc(deviceStatus.at), desc(deviceStatus.id))
      .limit(1);
    return row;
  }
}
