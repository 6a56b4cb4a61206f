/**
 * Two points closer than this (root-mean-square over parameters, in units of each range; a different choice
 * counts 1) are the same experiment: a pending or already chosen point is never proposed again this close.
 */
export const MIN_DISTANCE = 0.05;
