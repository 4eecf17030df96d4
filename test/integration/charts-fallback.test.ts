import { describe, expect, it, vi } from 'vitest';
import { reportSparklines } from '../../functions/render/sparklines.js';
import { reportDay } from '../fixtures/report-day.js';

// A host without resvg's native binary (a bundle built on another platform): loading it fails.
vi.mock('@resvg/resvg-js', () => {
  throw new Error('Cannot find module @resvg/resvg-js-linux-arm64-gnu');
});

describe('sparklines without the PNG renderer', () => {
  it('leave the scorecard without pictures instead of failing the run', async () => {
    const series = [
      { period: '2026-11-20', value: 0.91 },
      { period: '2026-11-21', value: 0.88 },
      { period: '2026-11-22', value: 0.9 },
    ];
    const set = await reportSparklines({ ...reportDay(), series: { answer_rate: series } });
    expect(set.images).toEqual([]);
    expect(set.image('answer_rate', 'tile')).toBeNull();
  });
});
