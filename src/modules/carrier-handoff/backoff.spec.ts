import { describe, expect, it } from '@jest/globals';
import { backoffSeconds } from './backoff.js';

describe('the backoff between handoff attempts', () => {
  const settings = { baseSeconds: 30, maxSeconds: 3600 };

  it('doubles with every failed attempt, between half and all of the step', () => {
    expect(backoffSeconds(1, settings, () => 0)).toBe(15);
    expect(backoffSeconds(1, settings, () => 1)).toBe(30);
    expect(backoffSeconds(2, settings, () => 1)).toBe(60);
    expect(backoffSeconds(4, settings, () => 1)).toBe(240);
    expect(backoffSeconds(4, settings, () => 0)).toBe(120);
  });

  it('never waits longer than the maximum, however many attempts failed', () => {
    expect(backoffSeconds(8, settings, () => 1)).toBe(3600);
    expect(backoffSeconds(1000, settings, () => 1)).toBe(3600);
  });

  it('waits at least a second', () => {
    expect(backoffSeconds(1, { baseSeconds: 1, maxSeconds: 1 }, () => 0)).toBe(1);
  });
});
