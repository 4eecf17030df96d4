import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfigFile } from '../../functions/adapters/config-file.js';

describe('config files', () => {
  it('accepts the documented example config, every key of it', async () => {
    const config = await readConfigFile(join(import.meta.dirname, '..', '..', 'config', 'vigie.example.yaml'));
    expect(config.alerts.map((r) => r.id)).toEqual([
      'fcr-drop',
      'aht-rise',
      'service-level-target',
      'abandon-target',
      'csat-target',
      'contacts-feed',
      'reject-share',
    ]);
    expect(config.targets.fcr?.scopes['team:Digital']?.target).toBe(0.7);
    expect(config.mail.recipients).toHaveLength(2);
  });

  it.each([
    ['alerts:\n  - { id: x, kpi: fcrr, type: no_data }\n', 'alerts.0.kpi: unknown KPI id fcrr'],
    ['targets: [1, 2\n', 'not valid YAML/JSON'],
    ['{"timezone": "Mars/Olympus"}', 'timezone: unknown IANA time zone'],
    // Rendered into every mail's links: anything but a web address is refused at load, not late in the run.
    ['archive_url: "javascript:alert(1)"\n', 'archive_url: expected an http:// or https:// URL'],
    ['archive_url: "ftp://files.example.com/vigie"\n', 'archive_url: expected an http:// or https:// URL'],
    ['archive_url: "data:text/html,<script>x</script>"\n', 'archive_url: expected an http:// or https:// URL'],
  ])('fails with one line naming the key or the problem: %j', async (text, expected) => {
    const file = join(await mkdtemp(join(tmpdir(), 'vigie-cfg-')), 'vigie.yaml');
    await writeFile(file, text);
    const error = await readConfigFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain('\n');
  });
});
