import { describe, expect, it } from 'vitest';
import { periodId } from '../../functions/engine/periods.js';
import { digestsDue } from '../../functions/pipeline/digest.js';

const config = (weekly = true, monthly = true) => ({
  timezone: 'Europe/Paris',
  digests: { weekly_on_monday: weekly, monthly_on_first: monthly },
});
const due = (date: string, c = config()) => digestsDue(date, c).map(periodId);

describe('digests a nightly run also emits', () => {
  it('emits the ISO week that just ended on a Monday, the month that just ended on the 1st', () => {
    expect(due('2026-11-23')).toEqual(['2026-W47']); // a Monday
    expect(due('2026-12-01')).toEqual(['2026-11']); // a Tuesday, the 1st
    expect(due('2027-02-01')).toEqual(['2027-W04', '2027-01']); // a Monday and the 1st
    expect(due('2027-01-04')).toEqual(['2026-W53']); // 2026 has 53 ISO weeks
    expect(due('2026-11-24')).toEqual([]);
  });

  it('follows the schedule config', () => {
    expect(due('2027-02-01', config(false, true))).toEqual(['2027-01']);
    expect(due('2027-02-01', config(true, false))).toEqual(['2027-W04']);
  });
});
