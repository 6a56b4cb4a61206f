import { readFileSync } from 'node:fs';
import { REQUIRED_BY_APP } from '@graftlab/config';
import { checkCompose, loadCompose, type ComposeFile } from './compose.checks';

const mosquittoConf = readFileSync('docker/mosquitto/mosquitto.conf', 'utf8');
const entrypoint = readFileSync('docker/mosquitto/entrypoint.sh', 'utf8');
const acl = readFileSync('docker/mosquitto/acl', 'utf8');

describe('docker-compose.yml', () => {
  it('agrees with the configuration schema, the broker configuration and itself', () => {
    expect(checkCompose(loadCompose(), mosquittoConf)).toEqual([]);
  });

  it.each(['api', 'worker', 'virtual-lab'] as const)('would fail if %s lost a variable it needs', (app) => {
    for (const name of [...REQUIRED_BY_APP[app], 'MQTT_USERNAME', 'MQTT_PASSWORD']) {
      const broken: ComposeFile = loadCompose();
      delete broken.services[app].environment![name];
      expect({ name, problems: checkCompose(broken, mosquittoConf) }).toEqual({
        name,
        problems: expect.arrayContaining([expect.stringContaining(app)]),
      });
    }
  });

  it('would fail if a URL pointed at a host that is not a service or at the wrong port', () => {
    const wrongHost = loadCompose();
    wrongHost.services.api.environment!.REDIS_URL = 'redis://cache:6379';
    expect(checkCompose(wrongHost, mosquittoConf)).toContain(
      'api: REDIS_URL names host "cache", which is not a service',
    );
    const wrongPort = loadCompose();
    wrongPort.services.worker.environment!.MQTT_URL = 'mqtt://mosquitto:1884';
    expect(checkCompose(wrongPort, mosquittoConf).join('\n')).toMatch(/worker: MQTT_URL port 1884/);
  });

  it('would fail if Redis lost AOF or noeviction, or the broker lost TCP_NODELAY', () => {
    const noAof = loadCompose();
    noAof.services.redis.command = ['redis-server'];
    expect(checkCompose(noAof, mosquittoConf)).toEqual(
      expect.arrayContaining([expect.stringMatching(/AOF/), expect.stringMatching(/noeviction/)]),
    );
    expect(checkCompose(loadCompose(), mosquittoConf.replace('set_tcp_nodelay true', ''))).toContain(
      'mosquitto.conf: set_tcp_nodelay true is missing',
    );
  });

  it('gives every process its own broker user with a password and an ACL entry', () => {
    const users = ['api', 'worker', 'virtual-lab'].map((s) =>
      String(loadCompose().services[s].environment!.MQTT_USERNAME),
    );
    for (const user of users) {
      expect(entrypoint).toContain(`mosquitto_passwd -b /mosquitto/config/passwd ${user} `);
      expect(acl).toMatch(new RegExp(`^user ${user}$`, 'm'));
    }
  });
});
