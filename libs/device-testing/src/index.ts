/**
 * Test support for device drivers: a driver against its twin over a real pty or TCP socket, and the golden wire
 * traces. A library of its own, so that the drivers' library does not depend on the twins'.
 */
export * from './twin-harness';
export * from './golden-trace';
export * from './golden-scenarios';
