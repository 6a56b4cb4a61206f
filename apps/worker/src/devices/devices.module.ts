import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ScaledClock, type LabClock } from '@graftlab/clock';
import { APP_CONFIG, type AppConfig } from '@graftlab/config';
import { connectMqttLink, createDevice, type MqttLink } from '@graftlab/devices';
import type { Inventory, InventoryStation } from '@graftlab/inventory';
import { DeviceHub } from '@graftlab/engine';
import { createLogger } from '@graftlab/observability';
import { INVENTORY } from '@graftlab/runtime';
import { DEVICE_HUB, LAB_CLOCK, LAB_ID, MQTT_LINK, OWNED_STATIONS } from '../worker.tokens';

/**
 * The worker's hardware: the lab clock, one MQTT connection, and the devices of the stations it owns.
 * This module exists only in the worker's graph — the API cannot open a device because it never imports it.
 */
@Global()
@Module({
  providers: [
    {
      provide: LAB_ID,
      inject: [APP_CONFIG, INVENTORY],
      useFactory: (c: AppConfig, inv: Inventory) => c.lab.id ?? inv.id,
    },
    {
      provide: LAB_CLOCK,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig): LabClock =>
        new ScaledClock(c.virtualLab.clockSpeed, c.virtualLab.clockOriginMs),
    },
    {
      provide: OWNED_STATIONS,
      inject: [APP_CONFIG, INVENTORY],
      useFactory: (c: AppConfig, inv: Inventory): InventoryStation[] => {
        const wanted = c.worker.stations;
        const unknown = wanted?.filter((id) => !inv.stations.some((s) => s.id === id)) ?? [];
        if (unknown.length)
          throw new Error(`GRAFTLAB_STATIONS names unknown station(s): ${unknown.join(', ')}`);
        return inv.stations.filter((s) => !wanted || wanted.includes(s.id));
      },
    },
    {
      provide: MQTT_LINK,
      inject: [APP_CONFIG, LAB_ID],
      useFactory: (c: AppConfig, labId: string): Promise<MqttLink> =>
        connectMqttLink({
          url: c.mqtt.url ?? 'mqtt://127.0.0.1:1883',
          username: c.mqtt.username,
          password: c.mqtt.password,
          protocolVersion: c.mqtt.protocolVersion,
          clientId: `graftlab-${c.worker.id}`,
          labId,
        }),
    },
    {
      provide: DEVICE_HUB,
      inject: [APP_CONFIG, INVENTORY, OWNED_STATIONS, LAB_CLOCK, LAB_ID, MQTT_LINK],
      useFactory: (
        c: AppConfig,
        inv: Inventory,
        stations: InventoryStation[],
        clock: LabClock,
        labId: string,
        mqtt: MqttLink,
      ) => {
        const logger = createLogger('worker', c.logLevel);
        return new DeviceHub(inv, stations, (device, extras) =>
          createDevice(device, {
            clock,
            labId,
            mqtt,
            log: (e) => logger.debug(e, 'device'),
            fence: extras?.fence,
          }),
        );
      },
    },
  ],
  exports: [LAB_ID, LAB_CLOCK, OWNED_STATIONS, MQTT_LINK, DEVICE_HUB],
})
export class DevicesModule implements OnApplicationShutdown {
  constructor(
    @Inject(DEVICE_HUB) private readonly hub: DeviceHub,
    @Inject(MQTT_LINK) private readonly mqtt: MqttLink,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // Whatever stopped the worker, its instruments end in their safe state.
    await this.hub.safeStateAll(5000);
    await this.hub.closeAll();
    await this.mqtt.close();
  }
}
