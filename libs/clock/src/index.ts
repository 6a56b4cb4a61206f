export { type LabClock, ScaledClock, realClock } from './lab-clock';
export { setLongTimeout, MAX_TIMER_MS } from './long-timeout';
