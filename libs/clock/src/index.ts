export { type LabClock, ScaledClock, realClock } from './lab-clock';
