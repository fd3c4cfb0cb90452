import { describe, expect, it } from '@jest/globals';
import { parseRedisInfo } from './redis-info.js';

describe('parseRedisInfo', () => {
  it('reads INFO fields, skipping section headers and blank lines', () => {
    const text = '# Server\r\nredis_version:7.0.15\r\nrole:master\r\n\r\n# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n';
    expect(parseRedisInfo(text)).toEqual({ redis_version: '7.0.15', role: 'master', used_memory: '1048576', used_memory_human: '1.00M' });
  });

  it('keeps colons inside values and reads CLUSTER INFO the same way', () => {
    expect(parseRedisInfo('executable:/usr/bin/redis-server\nconfig_file:C:\\redis.conf\n')).toEqual({
      executable: '/usr/bin/redis-server',
      config_file: 'C:\\redis.conf',
    });
    expect(parseRedisInfo('cluster_state:fail\r\ncluster_slots_ok:10923\r\n')).toEqual({ cluster_state: 'fail', cluster_slots_ok: '10923' });
  });
});
