export const MQTT_LINK = Symbol('MQTT_LINK');
export const LAB_CLOCK = Symbol('LAB_CLOCK');
export const DEVICE_HUB = Symbol('DEVICE_HUB');
export const LAB_ID = Symbol('LAB_ID');
export const OWNED_STATIONS = Symbol('OWNED_STATIONS');
